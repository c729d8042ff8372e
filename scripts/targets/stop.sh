#!/usr/bin/env bash
# Stops the real-server test targets started by start.sh: smtp-sink, Dovecot and Postfix, each by the PID in
# its PID file (never by process name), and waits until their ports are closed. Idempotent: stopping what
# is not running is not an error. Keeps packages, configuration, certificates and mailboxes.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$SCRIPT_DIR/common.sh"

[[ $EUID -eq 0 ]] || { log "must run as root"; exit 1; }

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
