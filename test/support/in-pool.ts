/**
 * A bounded pool for the parts of a load run or a benchmark that are not autocannon stages (opening streams, reading
 * mails): at most `concurrency` tasks at once, as a crowd of investors would, without opening thousands
 * of connections in the same instant.
 */

/** Run `task` over `items` with at most `concurrency` at once, keeping the results' order. */
export async function inPool<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T, index);
    }
  }));
  return results;
}
