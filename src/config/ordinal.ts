/** Code-point order: the same on every machine whatever its locale, so sorted output is stable. */
export function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(ordinal);
}
