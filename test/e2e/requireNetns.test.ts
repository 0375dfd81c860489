import { strict as assert } from "assert";
import * as fs from "fs";
import { machineNetnsProblem } from "./requireNetns";

describe("the e2e suite's namespace guard (test/e2e/requireNetns.ts)", () => {
  const here = fs.readlinkSync("/proc/self/ns/net");

  it("refuses outside e2e/in-netns.sh", () => {
    assert.equal(
      machineNetnsProblem({}),
      "the end-to-end suite runs only inside the network namespace of e2e/in-netns.sh: use `npm run test:e2e` (or `bash e2e/in-netns.sh mocha --config test/e2e/mocharc.json ...`)",
    );
    assert.equal(machineNetnsProblem({ AI_SYSTEM_E2E_NETNS: "1" }), machineNetnsProblem({}));
  });

  it("refuses when the process is still in the namespace the entry called the machine's", () => {
    assert.equal(
      machineNetnsProblem({ AI_SYSTEM_E2E_NETNS: "1", AI_SYSTEM_E2E_HOST_NETNS: here }),
      `this process is in the machine's network namespace (${here}), not in the suite's own`,
    );
  });

  it("accepts a namespace other than the machine's", () => {
    assert.equal(machineNetnsProblem({ AI_SYSTEM_E2E_NETNS: "1", AI_SYSTEM_E2E_HOST_NETNS: "net:[1]" }), undefined);
  });
});
