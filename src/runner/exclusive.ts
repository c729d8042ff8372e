/**
 * A pool that runs tasks at most `concurrency` at a time and never runs two tasks that share a key at the
 * same time (scenario `exclusive:` keys, such as a POP3 maildrop that RFC 1939 §8 locks per session). A
 * task whose keys are held waits without taking a slot, so that tasks behind it go ahead. Of the tasks that
 * can start, the one with the most tasks waiting on one of its keys goes first (the longest chain of runs that
 * must take turns would otherwise start late and finish the whole run alone); ties start in the order
 * given, so tasks without keys keep their order. Pure; imports nothing.
 */

export interface KeyedTask<T> {
  keys: readonly string[];
  run: () => Promise<T>;
}

/** Every task's result, in the order of `tasks`; rejects with the first task that rejects. */
export function runExclusive<T>(tasks: readonly KeyedTask<T>[], concurrency: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  if (tasks.length === 0) return Promise.resolve(results);
  return new Promise<T[]>((resolve, reject) => {
    const waiting = tasks.map((_, index) => index);
    const waitingOn = new Map<string, number>();
    for (const task of tasks) for (const key of task.keys) waitingOn.set(key, (waitingOn.get(key) ?? 0) + 1);
    const held = new Set<string>();
    let running = 0;
    let finished = 0;

    /** Position in `waiting` of the task to start next, or -1 when none can start. */
    const next = (): number => {
      let best = -1;
      let bestChain = -1;
      waiting.forEach((index, position) => {
        const keys = tasks[index]!.keys;
        if (keys.some((key) => held.has(key))) return;
        const chain = Math.max(0, ...keys.map((key) => waitingOn.get(key)!));
        if (chain > bestChain) [best, bestChain] = [position, chain];
      });
      return best;
    };

    const startWhatCan = (): void => {
      for (let position = next(); position >= 0 && running < concurrency; position = next()) {
        const [index] = waiting.splice(position, 1) as [number];
        const task = tasks[index]!;
        for (const key of task.keys) {
          held.add(key);
          waitingOn.set(key, waitingOn.get(key)! - 1);
        }
        running++;
        task
          .run()
          .then((value) => {
            results[index] = value;
          }, reject)
          .finally(() => {
            for (const key of task.keys) held.delete(key);
            running--;
            if (++finished === tasks.length) resolve(results);
            else startWhatCan();
          });
      }
    };
    startWhatCan();
  });
}
