# shellcheck shell=bash disable=SC2034
# Shared settings of the real-server targets (sourced by start.sh, stop.sh and test-real.sh; never run
# directly, hence SC2034: the variables are used by those scripts). Everything the targets write outside
# Debian's own package paths lives in STATE_DIR, never in the repo.

STATE_DIR="${MAILPROBE_TARGETS_DIR:-/var/lib/mailprobe-targets}"
MAIL_DOMAIN="example.test"
MAIL_ROOT="/var/mail/vhosts"
VMAIL_USER="vmail"
# name:password of each mailbox in MAIL_DOMAIN.
# dave and erin are kept for the POP3 suite alone: POP3 cannot search, so no other suite delivers to them.
MAIL_USERS=(alice:alicepw bob:bobpw carol:carolpw dave:davepw erin:erinpw)

POSTFIX_PID_FILE="/var/spool/postfix/pid/master.pid"
POSTFIX_LOG="/var/log/postfix.log"
DOVECOT_CONF="$STATE_DIR/dovecot.conf"
DOVECOT_PID_FILE="/run/dovecot/master.pid"
DOVECOT_LOG="/var/log/dovecot.log"
SINK_PID_FILE="$STATE_DIR/smtp-sink.pid"
SINK_LOG="$STATE_DIR/smtp-sink.log"
STOP_TIMEOUT_SECONDS=15

# name port tls: tls is "plain" (greeting readable in clear) or "implicit" (TLS from the first byte).
SERVICES=(
  "smtp 2525 plain"
  "submission 2587 plain"
  "smtps 2465 implicit"
  "hardened 2625 plain"
  "open-relay 2626 plain"
  "smtp-sink 2526 plain"
  "imap 1143 plain"
  "imaps 1993 implicit"
  "pop3 1110 plain"
  "pop3s 1995 implicit"
)

log() { printf '[targets] %s\n' "$*" >&2; }

# True when the PID in file $1 names a live process whose command name is $2 (guards against PID reuse).
pid_file_alive() {
  local pid_file=$1 expected_comm=$2 pid
  [[ -s $pid_file ]] || return 1
  pid=$(tr -dc '0-9' <"$pid_file")
  [[ -n $pid ]] && [[ -r /proc/$pid/comm ]] && [[ $(cat "/proc/$pid/comm") == "$expected_comm" ]]
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Sends TERM to the process named in $1 if it is alive and is a $2, then waits for it to exit.
stop_by_pid_file() {
  local pid_file=$1 comm=$2 label=$3 pid deadline
  if ! pid_file_alive "$pid_file" "$comm"; then
    printf '%-11s not running\n' "$label"
    return 0
  fi
  pid=$(tr -dc '0-9' <"$pid_file")
  kill -TERM "$pid"
  deadline=$((SECONDS + STOP_TIMEOUT_SECONDS))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$label (pid $pid) did not exit within ${STOP_TIMEOUT_SECONDS}s"
    return 1
  fi
  printf '%-11s stopped (pid %s)\n' "$label" "$pid"
}
