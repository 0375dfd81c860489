/** Number formatting shared by the report's sections. */

/** `37.5%`: one decimal, so small GPU shares stay visible. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? "-" : `${((part / whole) * 100).toFixed(1)}%`;
}

/** `1 agent`, `5 agents`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
