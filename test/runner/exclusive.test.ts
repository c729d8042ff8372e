import t from 'tap';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runExclusive, type KeyedTask } from '../../src/runner/exclusive.js';

/** A task that records when it starts and finishes only when the test says so. */
function controlled(keys: string[], log: string[], name: string) {
  let finish!: () => void;
  const task: KeyedTask<string> = {
    keys,
    run: () => {
      log.push(`start ${name}`);
      return new Promise<string>((resolve) => {
        finish = () => {
          log.push(`end ${name}`);
          resolve(name);
        };
      });
    },
  };
  return { task, finish: () => finish() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

t.test('tasks sharing a key never run at once; others take the free slots meanwhile', async (t) => {
  const log: string[] = [];
  const a1 = controlled(['mailbox dave'], log, 'a1');
  const a2 = controlled(['mailbox dave'], log, 'a2');
  const b = controlled([], log, 'b');
  const c = controlled(['mailbox erin'], log, 'c');
  const done = runExclusive([a1.task, a2.task, b.task, c.task], 3);
  await tick();
  t.same(log, ['start a1', 'start c', 'start b'], 'a2 waits for its key without taking a slot; keyed tasks first');
  b.finish();
  await tick();
  t.same(log.slice(3), ['end b'], 'a free slot does not start a2 while a1 holds the key');
  a1.finish();
  await tick();
  t.same(log.slice(4), ['end a1', 'start a2'], 'a2 starts once the key is free');
  a2.finish();
  c.finish();
  t.same(await done, ['a1', 'a2', 'b', 'c'], 'results in the order of the tasks');
});

t.test('concurrency bounds tasks without keys; order is kept', async (t) => {
  const log: string[] = [];
  const tasks = [1, 2, 3].map((n) => controlled([], log, `t${n}`));
  const done = runExclusive(tasks.map((c) => c.task), 2);
  await tick();
  t.same(log, ['start t1', 'start t2']);
  tasks[1]!.finish();
  await tick();
  t.same(log.slice(2), ['end t2', 'start t3']);
  tasks[0]!.finish();
  tasks[2]!.finish();
  t.same(await done, ['t1', 't2', 't3']);
});

t.test('a task with several keys waits for all of them', async (t) => {
  const log: string[] = [];
  const x = controlled(['k1'], log, 'x');
  const y = controlled(['k2'], log, 'y');
  const both = controlled(['k1', 'k2'], log, 'both');
  const done = runExclusive([x.task, y.task, both.task], 4);
  await tick();
  x.finish();
  await tick();
  t.notOk(log.includes('start both'), 'k2 still held');
  y.finish();
  await tick();
  t.ok(log.includes('start both'));
  both.finish();
  t.same(await done, ['x', 'y', 'both']);
});

t.test('no tasks: an empty result', async (t) => {
  t.same(await runExclusive([], 4), []);
});

t.test('the longest chain of tasks waiting on a key starts first; ties keep their order', async (t) => {
  const log: string[] = [];
  const free = controlled([], log, 'free');
  const short = controlled(['erin'], log, 'short');
  const long = [1, 2, 3].map((n) => controlled(['dave'], log, `long${n}`));
  const done = runExclusive([free.task, short.task, ...long.map((c) => c.task)], 1);
  await tick();
  t.same(log, ['start long1'], 'three tasks wait on dave, one on erin, none on the free one');
  long[0]!.finish();
  await tick();
  t.same(log.slice(2), ['start long2'], 'dave still has the longest chain (2 against 1)');
  long[1]!.finish();
  await tick();
  t.same(log.slice(4), ['start short'], '1 against 1: the earlier task');
  short.finish();
  await tick();
  long[2]!.finish();
  await tick();
  free.finish();
  t.same(await done, ['free', 'short', 'long1', 'long2', 'long3']);
  t.same(log.filter((l) => l.startsWith('start')), ['start long1', 'start long2', 'start short', 'start long3', 'start free']);
});

/**
 * The oracle: the rule as the module states it, scanning every waiting task at each start. Runs the pool's
 * tasks abstractly, finishing `finishes[i] % running` (a running task, by start order) after each round of
 * starts, and returns the order in which tasks start.
 */
function startsByTheRule(keys: readonly string[][], concurrency: number, finishes: readonly number[]): number[] {
  const waiting = keys.map((_, index) => index);
  const waitingOn = new Map<string, number>();
  for (const taskKeys of keys) for (const key of taskKeys) waitingOn.set(key, (waitingOn.get(key) ?? 0) + 1);
  const held = new Set<string>();
  const running: number[] = [];
  const starts: number[] = [];
  for (let round = 0; starts.length < keys.length || running.length > 0; round++) {
    while (running.length < concurrency) {
      const startable = waiting.filter((index) => !keys[index]!.some((key) => held.has(key)));
      if (startable.length === 0) break;
      const chain = (index: number): number => Math.max(0, ...keys[index]!.map((key) => waitingOn.get(key)!));
      const first = startable.reduce((best, index) => (chain(index) > chain(best) ? index : best));
      waiting.splice(waiting.indexOf(first), 1);
      for (const key of keys[first]!) {
        held.add(key);
        waitingOn.set(key, waitingOn.get(key)! - 1);
      }
      running.push(first);
      starts.push(first);
    }
    const [done] = running.splice(finishes[round]! % running.length, 1) as [number];
    for (const key of keys[done]!) held.delete(key);
  }
  return starts;
}

t.test('start order follows the rule for any tasks, keys, concurrency and finishing order', async (t) => {
  const keySets = fc.array(fc.uniqueArray(fc.constantFrom('alice', 'bob', 'carol', 'dave'), { maxLength: 3 }), { minLength: 1, maxLength: 14 });
  await fc.assert(
    fc.asyncProperty(keySets, fc.integer({ min: 1, max: 4 }), fc.array(fc.nat(), { minLength: 14, maxLength: 14 }), async (keys, concurrency, finishes) => {
      const starts: number[] = [];
      const running: Array<() => void> = [];
      const tasks: KeyedTask<number>[] = keys.map((taskKeys, index) => ({
        keys: taskKeys,
        run: () => {
          starts.push(index);
          return new Promise<number>((resolve) => running.push(() => resolve(index)));
        },
      }));
      const done = runExclusive(tasks, concurrency);
      for (let round = 0; round < keys.length; round++) {
        await tick();
        running.splice(finishes[round]! % running.length, 1)[0]!();
      }
      assert.deepStrictEqual(await done, keys.map((_, index) => index));
      assert.deepStrictEqual(starts, startsByTheRule(keys, concurrency, finishes));
    }),
    { numRuns: 300 },
  );
  t.pass('300 random pools');
});
