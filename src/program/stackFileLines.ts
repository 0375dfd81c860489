/** 1-based line of `<key>:` in a stack file's text; 1 when absent. */
export function lineOfKey(text: string | null, key: string): number {
  if (text === null) return 1;
  const index = text.split(/\r?\n/).findIndex((l) => l.trimStart().startsWith(`${key}:`));
  return index < 0 ? 1 : index + 1;
}
