/**
 * Root hook of the end-to-end suite (test/e2e/mocharc.json): the suite runs only inside the
 * network namespace e2e/in-netns.sh creates (`npm run test:e2e`), never in the machine's own,
 * where a container's packet could leave the machine. Run one file with
 *   bash e2e/in-netns.sh mocha --config test/e2e/mocharc.json --grep <what>
 */
import * as fs from "fs";

export function machineNetnsProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = env.AI_SYSTEM_E2E_HOST_NETNS;
  if (env.AI_SYSTEM_E2E_NETNS !== "1" || !host) {
    return "the end-to-end suite runs only inside the network namespace of e2e/in-netns.sh: use `npm run test:e2e` (or `bash e2e/in-netns.sh mocha --config test/e2e/mocharc.json ...`)";
  }
  const here = fs.readlinkSync("/proc/self/ns/net");
  if (here === host) return `this process is in the machine's network namespace (${here}), not in the suite's own`;
  return undefined;
}

export const mochaHooks = {
  beforeAll(): void {
    const problem = machineNetnsProblem();
    if (problem) throw new Error(problem);
  },
};
