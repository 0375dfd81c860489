/**
 * The real Mermaid parser (mermaid 11, ESM only) under jsdom, for checking charts offline. ts-node
 * compiles `import()` to `require()` in CommonJS, which cannot load ESM, so the import is built at
 * run time.
 */
import { JSDOM } from "jsdom";

interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  parse(text: string): Promise<unknown>;
}

const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<{ default: MermaidApi }>;
let loaded: Promise<MermaidApi> | null = null;

function mermaid(): Promise<MermaidApi> {
  loaded ??= (async () => {
    const { window } = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
    const scope = globalThis as unknown as Record<string, unknown>;
    scope["window"] = window;
    scope["document"] = window.document;
    const api = (await importEsm("mermaid")).default;
    api.initialize({ startOnLoad: false });
    return api;
  })();
  return loaded;
}

/** The parser's complaint about a chart, or null when Mermaid accepts it. */
export async function mermaidParseError(chart: string): Promise<string | null> {
  const api = await mermaid();
  try {
    await api.parse(chart);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.split("\n")[0]! : String(error);
  }
}

/** Removes the jsdom globals again, so later test files see a plain Node environment. */
export function closeMermaid(): void {
  const scope = globalThis as unknown as Record<string, unknown>;
  delete scope["window"];
  delete scope["document"];
}
