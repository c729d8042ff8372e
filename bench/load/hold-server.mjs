// A minimal SMTP responder for the memory check in run.sh: greets, answers 250 to every command line and
// 221 to QUIT, and holds any number of sessions (smtp-sink here serves a few thousand at most, slowly, so
// it would measure itself instead of the generator). Prints its port, then runs until killed.
import net from 'node:net';

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.write('220 hold.example ESMTP\r\n');
  let pending = '';
  socket.on('data', (chunk) => {
    pending += chunk.toString('latin1');
    let end;
    while ((end = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, end).trim().toUpperCase();
      pending = pending.slice(end + 1);
      if (line === 'QUIT') {
        socket.end('221 bye\r\n');
        return;
      }
      socket.write('250 ok\r\n');
    }
  });
});
server.maxConnections = 100_000;
server.listen(0, '127.0.0.1', 65_535, () => console.log(server.address().port));
