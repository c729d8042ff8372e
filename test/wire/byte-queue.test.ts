import t from 'tap';
import fc from 'fast-check';
import { ByteQueue } from '../../src/wire/byte-queue.js';

t.test('finds line feeds within a bound and takes exact counts', async (t) => {
  const q = new ByteQueue();
  q.push(Buffer.from('abc'));
  t.equal(q.indexOfLineFeed(100), -1);
  q.push(Buffer.from('d\nef\n'));
  t.equal(q.indexOfLineFeed(3), -1, 'LF beyond the bound is not seen');
  t.equal(q.indexOfLineFeed(100), 4);
  t.same(q.take(5), Buffer.from('abcd\n'));
  t.equal(q.indexOfLineFeed(100), 2);
  t.same(q.takeAll(), Buffer.from('ef\n'));
  t.equal(q.length, 0);
  q.push(Buffer.from('gh\nXYZ'), 3);
  t.same(q.takeAll(), Buffer.from('gh\n'), 'push with a length takes only that many bytes (a reused read buffer)');
});

t.test('behaves like a plain concatenation under any pushes and takes', async () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 50 }), fc.nat(60)), { maxLength: 40 }), (ops) => {
      const q = new ByteQueue();
      let model = Buffer.alloc(0);
      for (const op of ops) {
        if (typeof op === 'number') {
          const taken = q.take(op);
          if (!taken.equals(model.subarray(0, op))) return false;
          model = model.subarray(Math.min(op, model.length));
        } else {
          q.push(Buffer.from(op));
          model = Buffer.concat([model, Buffer.from(op)]);
        }
        if (q.indexOfLineFeed(30) !== model.subarray(0, 30).indexOf(0x0a)) return false;
      }
      return q.length === model.length;
    }),
  );
});
