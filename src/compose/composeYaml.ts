import * as YAML from "yaml";
import { composeText, Interpolated } from "./composeText";

/**
 * Plain data for the YAML writer: literal strings escaped (`$` -> `$$`), interpolated strings
 * as they are. Top-level `x-` blocks are documentation that compose does not interpolate.
 */
export function composePlain(value: unknown, escape = true): unknown {
  if (value instanceof Interpolated) return value.text;
  if (typeof value === "string") return escape ? composeText(value) : value;
  if (Array.isArray(value)) return value.map((v) => composePlain(v, escape));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, composePlain(v, escape)]));
  }
  return value;
}

/**
 * YAML that docker-compose 1.29 (PyYAML, YAML 1.1) reads back as written: the 1.1 schema makes
 * the writer quote `no`, `on`, `0755`, `1:20` and the like, which 1.1 would turn into booleans
 * and numbers. No line folding, so long commands and scripts stay byte-exact.
 */
export function composeYaml(document: Readonly<Record<string, unknown>>, header: readonly string[]): string {
  const plain = Object.fromEntries(Object.entries(document).map(([k, v]) => [k, composePlain(v, !k.startsWith("x-"))]));
  const doc = new YAML.Document(plain, { version: "1.1" });
  // Short lists of scalars on one line ([ALL], ["0"], [gpu], port numbers); long ones stay in blocks.
  YAML.visit(doc, {
    Seq(_, node) {
      const items = node.items;
      if (!items.every((i) => YAML.isScalar(i) && (typeof i.value === "number" || (typeof i.value === "string" && !i.value.includes("\n"))))) return;
      const numbers = items.every((i) => YAML.isScalar(i) && typeof i.value === "number");
      const width = items.reduce<number>((sum, i) => sum + String((i as YAML.Scalar).value).length + 2, 0);
      if (numbers || width <= 60) node.flow = true;
    },
  });
  doc.commentBefore = header.map((l) => (l === "" ? "" : ` ${l}`)).join("\n");
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}
