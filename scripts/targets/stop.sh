#!/usr/bin/env bash
# Stops the real-server test targets started by start.sh: smtp-sink, Dovecot and Postfix, each by the PID in
# its PID file (never by process name), and waits until their ports are closed. Idempotent: stopping what
# is not running is not an error. Keeps packages, configuration, certificates and mailboxes.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$SCRIPT_DIR/common.sh"

STOP_TIMEOUT_SECONDS=15

[[ $EUID -eq 0 ]] || { log "must run as root"; exit 1; }

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

stop_by_pid_file "$SINK_PID_FILE" smtp-sink smtp-sink
rm -f "$SINK_PID_FILE"
stop_by_pid_file "$DOVECOT_PID_FILE" dovecot dovecot
stop_by_pid_file "$POSTFIX_PID_FILE" master postfix

# Children (smtpd, login processes) may hold a listening socket a moment after their master exits.
deadline=$((SECONDS + STOP_TIMEOUT_SECONDS))
for service in "${SERVICES[@]}"; do
  read -r name port _ <<<"$service"
  while port_open "$port" && ((SECONDS < deadline)); do sleep 0.1; done
  if port_open "$port"; then
    log "port $port ($name) still open"
    exit 1
  fi
done
