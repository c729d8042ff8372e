/**
 * A pool that runs tasks at most `concurrency` at a time and never runs two tasks that share a key at the
 * same time (scenario `exclusive:` keys, such as a POP3 maildrop that RFC 1939 §8 locks per session). A
 * task whose keys are held waits without taking a slot, so that tasks behind it go ahead; apart from that,
 * tasks start in the order given. Pure; imports nothing.
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
    const held = new Set<string>();
    let running = 0;
    let finished = 0;

    const startWhatCan = (): void => {
      for (let i = 0; i < waiting.length && running < concurrency; ) {
        const index = waiting[i]!;
        const task = tasks[index]!;
        if (task.keys.some((key) => held.has(key))) {
          i++;
          continue;
        }
        waiting.splice(i, 1);
        for (const key of task.keys) held.add(key);
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
