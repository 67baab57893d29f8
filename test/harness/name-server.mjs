// A tiny TCP server for load-balancer tests: `node name-server.mjs NAME` listens on a free port on
// 127.0.0.1, prints "listening PORT", greets each connection with "NAME\n" and echoes what it gets.
import { createServer } from 'node:net';

const name = process.argv[2];
if (!name || !/^[\w-]+$/.test(name)) {
  process.stderr.write('usage: node name-server.mjs NAME (letters, digits, - and _)\n');
  process.exit(2);
}
const server = createServer((socket) => {
  socket.on('error', () => socket.destroy());
  socket.write(`${name}\n`);
  socket.pipe(socket);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
