/**
 * The last few results of a pure function, by a key that determines them: a repeated call in one
 * command is free, and a long-lived process keeps only `size` of them.
 */
export class RecentResults<T> {
  private readonly results = new Map<string, T>();

  constructor(private readonly size: number) {}

  get(key: string, compute: () => T): T {
    const known = this.results.get(key);
    if (known !== undefined) return known;
    const result = compute();
    this.results.set(key, result);
    if (this.results.size > this.size) this.results.delete(this.results.keys().next().value!);
    return result;
  }

  clear(): void {
    this.results.clear();
  }
}
