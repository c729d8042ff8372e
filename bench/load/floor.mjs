// The "bare Node client" of bench/load/run.sh: what Node itself allows on this machine, as a reference beside
// smtp-source and mailprobe load. The same SMTP dialogue and message as bench/load/sink-message.yaml (one
// message per session), with nothing but net.connect, 'data' events and one write per reply: no scenario,
// no checks beyond "a complete reply arrived". It times one step, as mailprobe's DATA step is timed: from
// writing DATA to the reply after the message (an independent measurement for run.sh's latency check).
// Usage: node bench/load/floor.mjs PORT SESSIONS MESSAGES; prints JSON: messagesPerSec, dataP50Ms. The
// message body is MAILPROBE_BENCH_BODY, as for the scenario.
import net from 'node:net';

const [port, sessions, messages] = process.argv.slice(2).map(Number);
if (!port || !sessions || !messages) {
  console.error('usage: node bench/load/floor.mjs PORT SESSIONS MESSAGES');
  process.exit(2);
}
const body = (process.env.MAILPROBE_BENCH_BODY ?? 'x').replace(/\r?\n/g, '\r\n');
const message = `From: bench@example.test\r\nTo: sink@example.test\r\nSubject: bench\r\n\r\n${body}\r\n.\r\n`;
// What is written after each reply: the greeting's answer first, the message after the 354.
const DATA = 3;
const writes = ['EHLO probe.example\r\n', 'MAIL FROM:<bench@example.test>\r\n', 'RCPT TO:<sink@example.test>\r\n', 'DATA\r\n', message, 'QUIT\r\n'].map((text) => Buffer.from(text, 'latin1'));

/** True when `text` ends with the last line of a reply (RFC 5321 §4.2: "ddd" or "ddd SP text", then CRLF). */
function replyComplete(text) {
  if (!text.endsWith('\n')) return false;
  const start = text.lastIndexOf('\n', text.length - 2) + 1;
  return text.length - start <= 5 || text[start + 3] === ' ';
}

let started = 0;
let finished = 0;
const dataMs = [];
const startNs = process.hrtime.bigint();

function session() {
  started++;
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let next = 0;
  let pending = '';
  let dataSentNs = 0n;
  socket.on('data', (chunk) => {
    pending += chunk.toString('latin1');
    if (!replyComplete(pending)) return;
    pending = '';
    // The reply to the message (the write after DATA's) ends the DATA step.
    if (next === DATA + 2) dataMs.push(Number(process.hrtime.bigint() - dataSentNs) / 1e6);
    if (next === DATA) dataSentNs = process.hrtime.bigint();
    if (next < writes.length) socket.write(writes[next++]);
    else socket.end();
  });
  socket.on('error', (err) => {
    console.error(`floor client: ${err.message}`);
    process.exitCode = 1;
  });
  socket.on('close', () => {
    finished++;
    if (started < messages) session();
    else if (finished === messages) {
      const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
      dataMs.sort((a, b) => a - b);
      const p50 = dataMs[Math.ceil(dataMs.length / 2) - 1];
      console.log(JSON.stringify({ messagesPerSec: Math.round(messages / seconds), dataP50Ms: p50 }));
    }
  });
}

for (let i = 0; i < Math.min(sessions, messages); i++) session();
