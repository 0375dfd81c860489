import * as assert from "assert";
import { encodeSecret, renderSpecText, secretsOf } from "../../src/render";

describe("render/specText", () => {
  it("encodes secrets for URLs and for NATS config strings", () => {
    assert.strictEqual(encodeSecret('p@ss/w:rd"\\', "raw"), 'p@ss/w:rd"\\');
    assert.strictEqual(encodeSecret("p@ss/w:rd#1", "url"), "p%40ss%2Fw%3Ard%231");
    assert.strictEqual(encodeSecret('a"b\\c#1', "natsString"), '"a\\"b\\\\c#1"');
  });

  it("splices secrets into text and lists the secrets a value needs", () => {
    const value = {
      parts: ["redis://:", { secret: "redisPassword" as const, encoding: "url" as const }, "@redis:6379/0"],
    };
    assert.strictEqual(renderSpecText(value, () => "a b"), "redis://:a%20b@redis:6379/0");
    assert.strictEqual(renderSpecText("plain", () => "unused"), "plain");
    assert.deepStrictEqual(secretsOf(value), ["redisPassword"]);
    assert.deepStrictEqual(secretsOf("plain"), []);
  });
});
