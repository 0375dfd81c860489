/**
 * Formats a duration the way Go's `time.Duration.String()` does (`30s`, `1m0s`, `5m0s`,
 * `1h0m0s`, `1.5s`, `500ms`). The Docker provider normalises healthcheck durations to this
 * form, so any other spelling of the same duration shows as a diff on every `pulumi up`.
 */
export function goDuration(milliseconds: number): string {
  if (!Number.isInteger(milliseconds) || milliseconds < 0) {
    throw new RangeError(`duration must be a whole, non-negative number of milliseconds, got ${milliseconds}`);
  }
  if (milliseconds === 0) return "0s";
  if (milliseconds < 1000) return `${milliseconds}ms`;
  const hours = Math.floor(milliseconds / 3_600_000);
  const minutes = Math.floor((milliseconds % 3_600_000) / 60_000);
  const ms = milliseconds % 60_000;
  const whole = Math.floor(ms / 1000);
  const fraction = ms % 1000;
  const seconds = fraction === 0 ? `${whole}` : `${whole}.${String(fraction).padStart(3, "0").replace(/0+$/, "")}`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

export function goDurationSeconds(seconds: number): string {
  return goDuration(Math.round(seconds * 1000));
}

/** Milliseconds of a Go duration (`2m0s`, `1.5s`, `500ms`), as the spec writes them. */
export function parseGoDuration(text: string): number {
  if (text === "0" || text === "0s") return 0;
  const unit: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, "µs": 0.001, ns: 0.000001 };
  let total = 0;
  let rest = text;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/.exec(rest);
    if (match === null) throw new RangeError(`not a Go duration: ${JSON.stringify(text)}`);
    total += Number(match[1]) * (unit[match[2]] ?? 0);
    rest = rest.slice(match[0].length);
  }
  if (!Number.isInteger(total)) throw new RangeError(`duration ${text} is not a whole number of milliseconds`);
  return total;
}
