/**
 * Keys come from YAML files and the environment, so they may be `__proto__` or `constructor`:
 * read only own properties, and define instead of assign so no key can reach a prototype.
 */
export function getOwn<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  // Only `__proto__` assigns a prototype; any other key becomes an own property by assignment.
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
