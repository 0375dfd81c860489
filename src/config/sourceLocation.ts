/** Where a value came from: a config-root-relative file and a 1-based line. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}
