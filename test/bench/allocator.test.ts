import t from 'tap';
import { STEADY_GLIBC_TUNABLES, steadyAllocatorEnv } from '../../src/bench/allocator.js';

t.test('on Linux without GLIBC_TUNABLES the bench runs again with the steady allocator, once', async (t) => {
  const env = steadyAllocatorEnv({ PATH: '/usr/bin' }, 'linux');
  t.same(env, { PATH: '/usr/bin', GLIBC_TUNABLES: STEADY_GLIBC_TUNABLES });
  t.equal(steadyAllocatorEnv(env!, 'linux'), undefined, 'the re-run does not run again');
});

t.test("a user's own tunables, and other systems, are left alone", async (t) => {
  t.equal(steadyAllocatorEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux'), undefined);
  t.equal(steadyAllocatorEnv({}, 'darwin'), undefined);
  t.equal(steadyAllocatorEnv({}, 'win32'), undefined);
});
