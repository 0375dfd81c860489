/** What a benchmark is given and what it reports (bench/bench.ts runs them; extraBenchmarks.ts adds some). */
export interface BenchContext {
  readonly projectRoot: string;
  readonly runs: number;
  readonly warmup: number;
  /** Median milliseconds of `body` over ctx.runs runs after ctx.warmup warm-up runs. */
  readonly measure: <T>(body: () => T | Promise<T>) => Promise<{ medianMs: number; samples: number[]; last: T }>;
}

export interface BenchRow {
  /** e.g. "default", "generated 5000". */
  readonly config: string;
  /** e.g. "mainpc", "both stacks". */
  readonly subject: string;
  /** Agents the measured step processes (for ms per agent). */
  readonly agents: number;
  readonly medianMs: number;
  /** The target for this row, or null when there is none. */
  readonly targetMs: number | null;
  readonly note?: string;
}

export type BenchExtension = (ctx: BenchContext) => Promise<BenchRow[]>;
