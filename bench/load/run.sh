#!/usr/bin/env bash
# Benchmark of `mailprobe load` against Postfix's C tools, in one run (figures from different runs or
# machines do not compare: smtp-source alone moves by up to 2x from one run to the next on this machine):
#   1. throughput: smtp-source and mailprobe load, same message size and session count, one message per
#      session, against the same smtp-sink, at 1, 20 and 100 sessions: messages/s each and the ratio; and a
#      bare Node client (bench/load/floor.mjs: the same dialogue with nothing but a socket) for what Node
#      itself allows on this machine. The three run back to back in each of several rounds: medians, and
#      each ratio's range over the rounds;
#   2. memory: 5 000 SMTP sessions held open at once, the generator's peak RSS (goal < 600 MB), against a
#      minimal responder (smtp-sink here stalls past a few thousand sessions: it would measure itself);
#   3. latency: against an smtp-sink that waits a known time (-w 1) before its 354 reply to DATA, the DATA
#      step's p50 exceeds the undelayed p50 by about that time, and must agree within 1 ms with the bare
#      client's own timing of the same step, one session at a time (smtp-sink's wait itself runs a few ms
#      long, see docs/load.md); five sessions at once show each tool's own queueing as well.
# Needs Postfix (smtp-sink, smtp-source) and a built mailprobe: `npm run build && bash bench/load/run.sh`.
# Loopback only; every process it starts is stopped on exit. MESSAGES=n sets the messages per session count,
# ROUNDS=n the throughput rounds, LATENCY_RUNS=n the runs per session of the latency check;
# MAILPROBE_JS=other/dist/cli/main.js measures another build (a baseline) the same way.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

SINK=${SMTP_SINK:-/usr/sbin/smtp-sink}
SOURCE=${SMTP_SOURCE:-/usr/sbin/smtp-source}
MAILPROBE=(node "${MAILPROBE_JS:-dist/cli/main.js}")
MESSAGES=${MESSAGES:-10000}
SIZE=1024
HOLD_SESSIONS=${HOLD_SESSIONS:-5000}
# Runs per session in the latency check: each waits 1 s, and smtp-sink's wait itself varies by a few ms,
# so the p50s need more than a handful of samples to settle.
LATENCY_RUNS=${LATENCY_RUNS:-15}
# Throughput rounds per session count: smtp-source alone moves by 2x from one run to the next here.
ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in "$SINK" "$SOURCE"; do
  [[ -x $tool ]] || { echo "bench: $tool not found (apt-get install postfix)" >&2; exit 2; }
done
[[ -f ${MAILPROBE[1]} ]] || { echo 'bench: build mailprobe first (npm run build)' >&2; exit 2; }
# 5 000 sessions need 5 000 descriptors on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Starts smtp-sink on a free port with extra options; sets SINK_PORT. Called directly, never in a $(…)
# subshell, so that its PID reaches PIDS and the cleanup stops it (a sink left running also keeps open
# whatever descriptors it inherited, a benchmark lock among them).
start_sink() {
  local port
  port=$(free_port)
  # -u: smtp-sink refuses to run as root; -m: it serves 256 sessions at once unless told more;
  # 1024: the listen backlog.
  "$SINK" -u nobody -m 1000 "$@" "127.0.0.1:$port" 1024 </dev/null >"$WORK/sink-$port.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 50); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { SINK_PORT=$port; return; }
    sleep 0.1
  done
  echo "bench: smtp-sink did not start on $port" >&2
  exit 1
}

# The same payload as smtp-source -l $SIZE: $SIZE bytes of body after the headers, in CRLF lines.
MAILPROBE_BENCH_BODY=$(node -e '
  const size = Number(process.argv[1]); const lines = [];
  let left = size;
  while (left > 0) { const n = Math.min(78, left - 2); lines.push("x".repeat(Math.max(0, n))); left -= Math.max(0, n) + 2; }
  process.stdout.write(lines.join("\n"));' "$SIZE")
export MAILPROBE_BENCH_BODY

json_field() {
  node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(process.argv[2].split(".").reduce((o,k)=>o[k],r))' "$1" "$2"
}

now() { date +%s.%N; }

echo "== Throughput: one ${SIZE}-byte message per session, $MESSAGES messages, same smtp-sink, $ROUNDS rounds =="
start_sink
PORT=$SINK_PORT
# Messages/s of one smtp-source run.
source_rate() {
  local sessions=$1 count=$2 start end
  start=$(now)
  "$SOURCE" -s "$sessions" -m "$count" -l "$SIZE" "127.0.0.1:$PORT"
  end=$(now)
  node -e "console.log(($count / ($end - $start)).toFixed(0))"
}
# Messages/s of one mailprobe load run; its errors, if any, to stderr.
probe_rate() {
  local sessions=$1 count=$2 errors
  "${MAILPROBE[@]}" load bench/load/sink-message.yaml --target "smtp://127.0.0.1:$PORT" \
    --connections "$sessions" --iterations "$count" --reporter "json=$WORK/t.json" >/dev/null || true
  errors=$(json_field "$WORK/t.json" totals.errors)
  [[ $errors == 0 ]] || echo "bench: mailprobe load at $sessions sessions: $errors errors" >&2
  json_field "$WORK/t.json" throughput.messagesPerSec
}
bare_rate() {
  node bench/load/floor.mjs "$PORT" "$1" "$2" | node -e 'process.stdin.on("data", (d) => console.log(JSON.parse(d).messagesPerSec))'
}
# The median rates, and the median and range of each tool's ratio to smtp-source within a round (the
# machine's speed drifts between rounds; within one, the three tools run back to back).
# Arguments: sessions, then one "source probe bare" triple per round.
summarise() {
  # shellcheck disable=SC2016 # the quoted text is JavaScript, its ${…} are its own
  node -e '
    const [sessions, ...rounds] = process.argv.slice(1);
    const rows = rounds.map((r) => r.split(" ").map(Number));
    const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
    const ratio = (k) => { const rs = rows.map((r) => r[k] / r[0]); return `${median(rs).toFixed(2)}x (${Math.min(...rs).toFixed(2)}-${Math.max(...rs).toFixed(2)})`; };
    const rate = (k) => `${median(rows.map((r) => r[k])).toFixed(0)}/s`;
    console.log(`${sessions.padEnd(9)} ${rate(0).padStart(11)} ${rate(1).padStart(14)} ${ratio(1).padStart(18)} ${rate(2).padStart(16)} ${ratio(2).padStart(18)}`);
  ' "$@"
}
printf '%-9s %11s %14s %18s %16s %18s\n' sessions smtp-source 'mailprobe load' 'ratio (range)' 'bare Node client' 'ratio (range)'
for sessions in 1 20 100; do
  count=$MESSAGES
  [[ $sessions == 1 ]] && count=$((MESSAGES / 4))
  rounds=()
  for _ in $(seq "$ROUNDS"); do
    rounds+=("$(source_rate "$sessions" "$count") $(probe_rate "$sessions" "$count") $(bare_rate "$sessions" "$count")")
  done
  summarise "$sessions" "${rounds[@]}"
done
echo "(medians of $ROUNDS rounds; each ratio is taken within its round)"

echo
echo "== Memory: $HOLD_SESSIONS SMTP sessions held open at once (bench/load/hold-server.mjs) =="
node bench/load/hold-server.mjs >"$WORK/hold-port" &
PIDS+=($!)
for _ in $(seq 50); do [[ -s $WORK/hold-port ]] && break; sleep 0.1; done
HOLD_PORT=$(cat "$WORK/hold-port")
"${MAILPROBE[@]}" load bench/load/hold-open.yaml --target "smtp://127.0.0.1:$HOLD_PORT" \
  --connections "$HOLD_SESSIONS" --iterations "$HOLD_SESSIONS" --ramp-up 5s --timeout 60s \
  --reporter "json=$WORK/hold.json" >/dev/null &
probe=$!
PIDS+=("$probe")
peak=0
while kill -0 "$probe" 2>/dev/null; do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$probe/status" 2>/dev/null || echo 0)
  (( ${rss:-0} > peak )) && peak=$rss
  sleep 0.2
done
wait "$probe" || true
held=$(json_field "$WORK/hold.json" totals.passed)
echo "sessions held: $held of $HOLD_SESSIONS (each open 10 s, all at once after the 5 s ramp-up); peak RSS: $((peak / 1024)) MB (goal < 600 MB)"

echo
echo "== Latency: smtp-sink waiting 1 s before its 354 reply to DATA =="
start_sink -w 1
SLOW=$SINK_PORT
# One session: the tools' timing alone (the goal); five: their runs fall into step and the replies of the
# same second queue in the client, so each tool's own processing shows too.
for sessions in 1 5; do
  runs=$((sessions * LATENCY_RUNS))
  for port in "$PORT" "$SLOW"; do
    "${MAILPROBE[@]}" load bench/load/sink-message.yaml --target "smtp://127.0.0.1:$port" \
      --connections "$sessions" --iterations "$runs" --reporter "json=$WORK/latency-$port.json" >/dev/null || true
    node bench/load/floor.mjs "$port" "$sessions" "$runs" >"$WORK/bare-$port.json"
  done
  # shellcheck disable=SC2016 # the quoted text is JavaScript, its ${…} are its own
  node -e '
    const fs = require("fs");
    const { decodeFromCompressedBase64 } = require("hdr-histogram-js");
    const read = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
    const dataStep = (f) => read(f).scenarios[0].steps.find((s) => s.name === "DATA").latency;
    // A percentile reads as the top of its HDR bucket (0.512 ms wide at 1 s with 3 significant digits):
    // the comparison takes the bucket centre, so that it measures the timing, not the rounding.
    const bucketOf = (f) => {
      const h = decodeFromCompressedBase64(dataStep(f).histogram);
      const us = h.getValueAtPercentile(50);
      return { centre: h.medianEquivalentValue(us) / 1000, width: (h.highestEquivalentValue(us) - h.lowestEquivalentValue(us) + 1) / 1000 };
    };
    const [sessions, baseFile, slowFile, bareBaseFile, bareSlowFile] = process.argv.slice(1);
    const [base, slow] = [dataStep(baseFile).p50Ms, dataStep(slowFile).p50Ms];
    const [bareBase, bareSlow] = [read(bareBaseFile).dataP50Ms, read(bareSlowFile).dataP50Ms];
    const bucket = bucketOf(slowFile);
    const signed = (ms) => `${ms >= 0 ? "+" : ""}${ms.toFixed(3)} ms`;
    console.log(`${sessions} session(s), DATA p50: mailprobe load ${base.toFixed(3)} ms undelayed, ${slow.toFixed(3)} ms with -w 1 (${signed(slow - base - 1000)} off the 1 s wait);`);
    console.log(`  bare Node client ${bareBase.toFixed(3)} ms undelayed, ${bareSlow.toFixed(3)} ms with -w 1 (${signed(bareSlow - bareBase - 1000)});`);
    console.log(`  mailprobe load vs the bare client with -w 1: ${signed(bucket.centre - bareSlow)} from the centre of its p50 bucket (${bucket.width.toFixed(3)} ms wide), ${signed(slow - bareSlow)} as reported${sessions === "1" ? " (goal within 1 ms)" : ""}`);
  ' "$sessions" "$WORK/latency-$PORT.json" "$WORK/latency-$SLOW.json" "$WORK/bare-$PORT.json" "$WORK/bare-$SLOW.json"
done
