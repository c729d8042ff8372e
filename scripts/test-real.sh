#!/usr/bin/env bash
# `npm run test:real`: runs the built-in suites against real servers on loopback (Postfix, Dovecot and smtp-sink,
# started by scripts/targets/start.sh) with TLS verified against the targets' own CA (or $MAILPROBE_CA),
# writes JUnit and JSON reports under reports/, and judges the results against
# scripts/real-expected-failures.txt: it fails on any failure not listed there and on any listed failure
# that no longer happens. Empties the targets' mailboxes first. Stops the targets at the end only if it
# started them (MAILPROBE_KEEP_TARGETS=1 keeps them running anyway).
set -Eeuo pipefail
# set -e stops without a word: say which command failed, for the CI log.
trap 'echo "[test:real] failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source-path=SCRIPTDIR source=targets/common.sh
source scripts/targets/common.sh

EXPECTED_FAILURES=scripts/real-expected-failures.txt
REPORT_DIR=reports

targets_running() {
  pid_file_alive "$POSTFIX_PID_FILE" master && pid_file_alive "$DOVECOT_PID_FILE" dovecot &&
    pid_file_alive "$SINK_PID_FILE" smtp-sink
}

stop_targets_we_started() {
  local status=$?
  if [[ $we_started_targets == yes && ${MAILPROBE_KEEP_TARGETS:-0} != 1 ]]; then
    bash scripts/targets/stop.sh || status=1
  fi
  exit "$status"
}

we_started_targets=no
targets_running || we_started_targets=yes
trap stop_targets_we_started EXIT
# Always run start.sh: on running targets it only re-applies the configuration and waits for the ports.
bash scripts/targets/start.sh

# Every run starts from empty mailboxes. The suites only add (the MIME suite never expunges: its POP3 read-back
# counts on IMAP's sequence numbers), so on a machine that keeps its targets each run would add ~45 MB to
# alice's INBOX, and every later POP3 login and IMAP SELECT would read more than the one before.
empty_mailboxes() {
  local entry user
  for entry in "${MAIL_USERS[@]}"; do
    user="${entry%%:*}@$MAIL_DOMAIN"
    doveadm -c "$DOVECOT_CONF" expunge -u "$user" mailbox '*' all
    # Folders a failed or interrupted run did not delete.
    doveadm -c "$DOVECOT_CONF" mailbox list -u "$user" | { grep -vx INBOX || true; } |
      xargs -r -d '\n' doveadm -c "$DOVECOT_CONF" mailbox delete -s -u "$user" --
  done
}
empty_mailboxes

npm run --silent build
mkdir -p "$REPORT_DIR"

# Runs the CLI with the given arguments; returns 0 when it ran (all passed or some failed), else its code.
run_suite() {
  local label=$1 code=0
  shift
  echo "== $label: mailprobe run $*"
  if [[ ${MAILPROBE_REAL_INSECURE:-0} == 1 ]]; then
    node dist/cli/main.js run "$@" --insecure || code=$?
  else
    # Verify the certificates against the targets' own CA rather than turning verification off.
    node dist/cli/main.js run "$@" --ca "${MAILPROBE_CA:-$STATE_DIR/ca.pem}" || code=$?
  fi
  # 0: all passed, 1: some failed (judged below against the expected failures); anything else is a breakage.
  ((code <= 1)) || { echo "mailprobe exited with $code for $label" >&2; return "$code"; }
}

# Every suite runs at --concurrency 8 --repeat 3 (issue 3): runs that share a POP3 maildrop wait for each
# other (their `exclusive:` keys), the others run side by side.
run_suite postfix scenarios/smtp --concurrency 8 --repeat 3 \
  --target smtp://127.0.0.1:2525 --target submission=smtp://127.0.0.1:2587 --target smtps=smtps://127.0.0.1:2465 \
  --reporter console --reporter "junit=$REPORT_DIR/real-junit.xml" --reporter "json=$REPORT_DIR/real.json"

# smtp-sink implements only the core of SMTP (no SIZE, STARTTLS or AUTH): it runs the scenarios tagged core.
run_suite smtp-sink scenarios/smtp --tag core --target smtp://127.0.0.1:2526 --concurrency 8 --repeat 3 \
  --reporter console --reporter "junit=$REPORT_DIR/real-sink-junit.xml" --reporter "json=$REPORT_DIR/real-sink.json"

# Dovecot's POP3 and IMAP, fed by Postfix: messages are delivered over SMTP and read back.
DOVECOT_TARGETS=(--target smtp=smtp://127.0.0.1:2525 --target pop3=pop3://127.0.0.1:1110 --target imap=imap://127.0.0.1:1143)
run_suite dovecot-pop3 scenarios/pop3 "${DOVECOT_TARGETS[@]}" --concurrency 8 --repeat 3 \
  --reporter console --reporter "junit=$REPORT_DIR/real-pop3-junit.xml" --reporter "json=$REPORT_DIR/real-pop3.json"
run_suite dovecot-imap scenarios/imap test/fixtures/runs/imap-roundtrip "${DOVECOT_TARGETS[@]}" --concurrency 8 --repeat 3 \
  --reporter console --reporter "junit=$REPORT_DIR/real-imap-junit.xml" --reporter "json=$REPORT_DIR/real-imap.json"
run_suite dovecot-mime scenarios/mime "${DOVECOT_TARGETS[@]}" --concurrency 8 --repeat 3 \
  --reporter console --reporter "junit=$REPORT_DIR/real-mime-junit.xml" --reporter "json=$REPORT_DIR/real-mime.json"
run_suite delivery scenarios/delivery "${DOVECOT_TARGETS[@]}" --concurrency 8 --repeat 3 \
  --reporter console --reporter "junit=$REPORT_DIR/real-delivery-junit.xml" --reporter "json=$REPORT_DIR/real-delivery.json"

# The audit of each Postfix configuration (issue 8). After the delivery suite, never beside it: the smuggling
# probes deliver to carol, whose newest message the delivery suite reads over POP3.
run_audit() {
  local label=$1 code=0
  shift
  echo "== audit $label: mailprobe audit $*"
  node dist/cli/main.js audit "$@" --ca "${MAILPROBE_CA:-$STATE_DIR/ca.pem}" --rcpt carol@example.test --intrusive \
    --reporter console --reporter "json=$REPORT_DIR/real-audit-$label.json" || code=$?
  # 0: nothing failed, 1: some check failed (judged below against the expected findings).
  ((code <= 1)) || { echo "mailprobe audit exited with $code for $label" >&2; return "$code"; }
}
run_audit hardened 127.0.0.1:2625
run_audit default 127.0.0.1:2525
run_audit open-relay 127.0.0.1:2626

verdict=0
node scripts/real-audit-verdict.mjs scripts/real-audit-expected.txt hardened="$REPORT_DIR/real-audit-hardened.json" \
  default="$REPORT_DIR/real-audit-default.json" open-relay="$REPORT_DIR/real-audit-open-relay.json" || verdict=1
node scripts/real-verdict.mjs "$EXPECTED_FAILURES" postfix="$REPORT_DIR/real.json" smtp-sink="$REPORT_DIR/real-sink.json" \
  dovecot-pop3="$REPORT_DIR/real-pop3.json" dovecot-imap="$REPORT_DIR/real-imap.json" \
  dovecot-mime="$REPORT_DIR/real-mime.json" delivery="$REPORT_DIR/real-delivery.json" || verdict=1
exit "$verdict"
