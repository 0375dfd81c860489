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
