/**
 * Markdown that renders the same on GitHub whatever the configuration holds: names and messages
 * come from YAML files, so every one is escaped or put in a code span.
 */

/**
 * Prose-safe text: backslash escapes for the characters that start emphasis, links, code or
 * strikethrough; entities for `<`, `>` and `&` (HTML) and `$` (GitHub renders `$...$` as math).
 */
export function text(value: string): string {
  return value
    .replace(/[\\`*[\]~]/g, (c) => `\\${c}`)
    // `_` inside a word never starts emphasis in GitHub Markdown, so `core_services` stays readable.
    .replace(/_/g, (c, at: number, all: string) => (/[A-Za-z0-9]/.test(all[at - 1] ?? "") && /[A-Za-z0-9]/.test(all[at + 1] ?? "") ? c : `\\${c}`))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\$/g, "&#36;")
    .replace(/\r?\n/g, " ");
}

/** A code span that holds any text: the fence is longer than the longest run of backticks inside. */
export function code(value: string): string {
  const single = value.replace(/\r?\n/g, " ");
  const longest = Math.max(0, ...(single.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = single.startsWith("`") || single.endsWith("`") ? " " : "";
  return `${fence}${pad}${single}${pad}${fence}`;
}

export type Alignment = "left" | "right";

/**
 * A GitHub table. Cells are Markdown already (built with `text` or `code`); a `|` in a cell is
 * escaped here, which GitHub honours inside code spans too, so the column count never changes.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Alignment[] = []): string {
  const cell = (value: string): string => {
    // A pipe after an odd run of backslashes is escaped already; any other pipe would split the cell.
    const escaped = value.replace(/\r?\n/g, " ").replace(/(\\*)\|/g, (m, slashes: string) => (slashes.length % 2 === 1 ? m : `${slashes}\\|`)).trim();
    return escaped === "" ? " " : escaped;
  };
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(" | ")} |`;
  const rule = headers.map((_, i) => (align[i] === "right" ? "---:" : "---"));
  for (const row of rows) {
    if (row.length !== headers.length) throw new Error(`table row has ${row.length} cells for ${headers.length} columns: ${row.join(" | ")}`);
  }
  return [line(headers), `| ${rule.join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** `a, b, c` with each item as code, or the placeholder when there is none. */
export function codeList(items: readonly string[], none = "none"): string {
  return items.length === 0 ? none : items.map(code).join(", ");
}
