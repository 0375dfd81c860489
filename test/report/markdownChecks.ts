/**
 * Structural checks of what GitHub renders: Mermaid flowcharts (the subset the report writes)
 * and GFM tables. Each returns the problems found, so a test can show them and can fail.
 */

const MERMAID_ID = /^[A-Za-z][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(["end", "graph", "flowchart", "subgraph", "direction", "style", "classdef", "class", "linkstyle", "click", "call", "href", "default", "interpolate"]);
const LABEL = /^"[^"]*"$/;

export function mermaidProblems(chart: string): string[] {
  const problems: string[] = [];
  const lines = chart.split("\n");
  if (!/^(graph|flowchart) (TD|TB|LR|RL|BT)$/.test(lines[0] ?? "")) problems.push(`first line must declare the diagram: ${lines[0]}`);
  const nodes = new Set<string>();
  const subgraphs = new Set<string>();
  const edges: [string, string][] = [];
  let depth = 0;
  const checkId = (id: string, where: string) => {
    if (!MERMAID_ID.test(id)) problems.push(`${where}: id ${id} is not /^[A-Za-z][A-Za-z0-9_]*$/`);
    if (KEYWORDS.has(id.toLowerCase())) problems.push(`${where}: id ${id} is a keyword`);
  };
  lines.slice(1).forEach((raw, i) => {
    const where = `line ${i + 2}`;
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^subgraph (\S+?)\[(.*)\]$/.exec(line))) {
      checkId(m[1]!, where);
      if (!LABEL.test(m[2]!)) problems.push(`${where}: label ${m[2]} must be one quoted string without quotes inside`);
      if (subgraphs.has(m[1]!) || nodes.has(m[1]!)) problems.push(`${where}: id ${m[1]} declared twice`);
      subgraphs.add(m[1]!);
      depth++;
    } else if (line === "end") {
      if (--depth < 0) problems.push(`${where}: end without subgraph`);
    } else if ((m = /^(\S+) --> (\S+)$/.exec(line))) {
      checkId(m[1]!, where);
      checkId(m[2]!, where);
      edges.push([m[1]!, m[2]!]);
    } else if ((m = /^(\S+?)\[(.*)\]$/.exec(line))) {
      checkId(m[1]!, where);
      if (!LABEL.test(m[2]!)) problems.push(`${where}: label ${m[2]} must be one quoted string without quotes inside`);
      if (nodes.has(m[1]!) || subgraphs.has(m[1]!)) problems.push(`${where}: id ${m[1]} declared twice`);
      nodes.add(m[1]!);
    } else {
      problems.push(`${where}: not a subgraph, end, node or edge: ${raw}`);
    }
  });
  if (depth !== 0) problems.push(`${depth} subgraph(s) not closed`);
  for (const [from, to] of edges) {
    for (const id of [from, to]) if (!nodes.has(id)) problems.push(`edge ${from} --> ${to}: ${id} is not a declared node`);
  }
  return problems;
}

/** The Mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
}

/** Cells of a table row, split at pipes not escaped by an odd run of backslashes. */
export function tableCells(row: string): string[] {
  const cells: string[] = [];
  let current = "";
  let slashes = 0;
  for (const ch of row.trim().slice(1, -1)) {
    if (ch === "|" && slashes % 2 === 0) {
      cells.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
    slashes = ch === "\\" ? slashes + 1 : 0;
  }
  cells.push(current.trim());
  return cells;
}

/** Every run of `|` lines outside code blocks must be a header, a delimiter row and rows of as many cells. */
export function tableProblems(markdown: string): string[] {
  const problems: string[] = [];
  const lines = markdown.split("\n");
  let inCode = false;
  let table: { start: number; rows: string[] } | null = null;
  const finish = () => {
    if (!table) return;
    const [header, rule, ...rows] = table.rows;
    const width = tableCells(header!).length;
    if (!rule || !tableCells(rule).every((c) => /^:?-{3,}:?$/.test(c)) || tableCells(rule).length !== width) {
      problems.push(`table at line ${table.start}: second line is not a delimiter row of ${width} cells`);
    }
    rows.forEach((row, i) => {
      const n = tableCells(row).length;
      if (n !== width || !row.trim().endsWith("|")) problems.push(`table at line ${table!.start}, row ${i + 1}: ${n} cells for ${width} columns: ${row}`);
    });
    table = null;
  };
  lines.forEach((line, i) => {
    if (/^\s*```/.test(line)) inCode = !inCode;
    if (!inCode && line.startsWith("|")) {
      table ??= { start: i + 1, rows: [] };
      table.rows.push(line);
    } else {
      finish();
    }
  });
  finish();
  return problems;
}
