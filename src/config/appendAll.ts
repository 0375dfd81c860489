/**
 * `target.push(...items)` without the spread: a spread passes every item as an argument, and
 * past about 100,000 items (160,000 agents, 150,000 duplicate keys in the security review)
 * that throws RangeError: Maximum call stack size exceeded.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
