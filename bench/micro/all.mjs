// Every micro-benchmark in turn, each in its own process so that one's garbage does not slow the next.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

for (const name of ['line-moves', 'base64-encode', 'base64-decode', 'qp-encode', 'qp-decode', 'encode-word', 'decode-words']) {
  console.log(`\n# ${name}`);
  execFileSync(process.execPath, [fileURLToPath(new URL(`./${name}.mjs`, import.meta.url))], { stdio: 'inherit' });
}
