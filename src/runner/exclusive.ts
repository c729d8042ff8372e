/**
 * A pool that runs tasks at most `concurrency` at a time and never runs two tasks that share a key at the
 * same time (scenario `exclusive:` keys, such as a POP3 maildrop that RFC 1939 §8 locks per session). A
 * task whose keys are held waits without taking a slot, so that tasks behind it go ahead. Of the tasks that
 * can start, the one with the most tasks waiting on one of its keys goes first (the longest chain of runs that
 * must take turns would otherwise start late and finish the whole run alone); ties start in the order
 * given, so tasks without keys keep their order. Pure; imports nothing.
 *
 * Choosing the next task costs O(1) for tasks without keys and O(distinct key sets waiting) for the others
 * (a handful of users in practice), not O(tasks waiting): tasks with the same keys wait on the same keys
 * and have the same chain, so only the first of them can be next.
 */

export interface KeyedTask<T> {
  keys: readonly string[];
  run: () => Promise<T>;
}

/** The waiting tasks that have the same keys, in the order given; `head` is the first still waiting. */
interface KeyGroup {
  id: string;
  keys: readonly string[];
  indexes: number[];
  head: number;
}

/** Every task's result, in the order of `tasks`; rejects with the first task that rejects. */
export function runExclusive<T>(tasks: readonly KeyedTask<T>[], concurrency: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  if (tasks.length === 0) return Promise.resolve(results);
  return new Promise<T[]>((resolve, reject) => {
    const keyless: number[] = [];
    let keylessHead = 0;
    const groups = new Map<string, KeyGroup>();
    const waitingOn = new Map<string, number>();
    tasks.forEach((task, index) => {
      if (task.keys.length === 0) {
        keyless.push(index);
        return;
      }
      const id = JSON.stringify([...task.keys].sort());
      let group = groups.get(id);
      if (group === undefined) groups.set(id, (group = { id, keys: task.keys, indexes: [], head: 0 }));
      group.indexes.push(index);
      for (const key of task.keys) waitingOn.set(key, (waitingOn.get(key) ?? 0) + 1);
    });
    const held = new Set<string>();
    let running = 0;
    let finished = 0;

    /** Takes the task to start next out of the waiting ones; undefined when none can start. */
    const take = (): number | undefined => {
      let best: KeyGroup | undefined;
      // A task with keys waits on them itself, so its chain is at least 1: it goes before those without.
      let bestChain = 0;
      for (const group of groups.values()) {
        if (group.keys.some((key) => held.has(key))) continue;
        const chain = Math.max(...group.keys.map((key) => waitingOn.get(key)!));
        if (chain > bestChain || (chain === bestChain && group.indexes[group.head]! < best!.indexes[best!.head]!)) [best, bestChain] = [group, chain];
      }
      if (best === undefined) return keylessHead < keyless.length ? keyless[keylessHead++] : undefined;
      const index = best.indexes[best.head++]!;
      if (best.head === best.indexes.length) groups.delete(best.id);
      for (const key of best.keys) waitingOn.set(key, waitingOn.get(key)! - 1);
      return index;
    };

    const startWhatCan = (): void => {
      while (running < concurrency) {
        const index = take();
        if (index === undefined) return;
        const task = tasks[index]!;
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
