import * as assert from "assert";
import { appendAll } from "../../src/config/appendAll";

describe("config/appendAll", () => {
  it("appends 500,000 items, where push(...items) runs out of stack", () => {
    const items = Array.from({ length: 500_000 }, (_, i) => i);
    assert.throws(() => [].push(...(items as never[])), RangeError);
    const target = [-1];
    assert.strictEqual(appendAll(target, items), target);
    assert.deepStrictEqual([target.length, target[0], target[500_000]], [500_001, -1, 499_999]);
  });
});
