import * as assert from "assert";
import { findCycles, longestPathLength, startupWaves } from "../../src/plan/graph";

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe("graph", () => {
  it("finds each cycle once, as a concrete path from its smallest node", () => {
    const g = graph({ a: ["b"], b: ["c"], c: ["a", "d"], d: [], e: ["e"], f: ["g"], g: ["f"], h: ["zz-missing"] });
    assert.deepStrictEqual(findCycles(g), [
      ["a", "b", "c", "a"],
      ["e", "e"],
      ["f", "g", "f"],
    ]);
    assert.deepStrictEqual(findCycles(graph({ a: [], b: ["a"] })), []);
  });

  it("gives each node 1 + the highest wave it waits for", () => {
    const g = graph({ core: [], mm: ["core"], mem: ["core"], lang: ["mm", "mem", "vision"], vision: ["mm"] });
    assert.deepStrictEqual(Object.fromEntries(startupWaves(g)), { core: 1, lang: 4, mem: 2, mm: 2, vision: 3 });
    assert.strictEqual(longestPathLength(g), 4);
  });

  it("agrees with the longest path on a large random DAG and survives deep chains", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 3000; i++) edges[`n${i}`] = i === 0 ? [] : [...new Set([0, 1, 2].map(() => `n${Math.floor(rand() * i)}`))];
    const g = graph(edges);
    assert.strictEqual(Math.max(...startupWaves(g).values()), longestPathLength(g));
    const chain = graph(Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`c${i}`, i === 0 ? [] : [`c${i - 1}`]])));
    assert.strictEqual(longestPathLength(chain), 20000);
    assert.strictEqual(startupWaves(chain).get("c19999"), 20000);
    assert.deepStrictEqual(findCycles(chain), []);
  });

  it("ends on cycles: waves ignore the closing edge, the longest path says null", () => {
    const g = graph({ a: ["b"], b: ["a"], c: ["a"] });
    const waves = startupWaves(g);
    assert.deepStrictEqual([...waves.keys()].sort(), ["a", "b", "c"]);
    assert.strictEqual(longestPathLength(g), null);
  });
});
