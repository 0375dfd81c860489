import * as assert from "assert";
import { runPlanCommand } from "../../src/cli/planCommand";
import { runReportCommand } from "../../src/cli/reportCommand";

const portOf = (stdout: string, agent: string): number =>
  (JSON.parse(stdout) as { agents: { name: string; port: number }[] }).agents.find((a) => a.name === agent)!.port;

describe("${VAR} values for plan and report: stack settings and --env, never the shell", () => {
  it("ignores PORT_OFFSET and secrets exported in the shell", () => {
    const clean = runPlanCommand(["--machine", "mainpc", "--json"], {});
    const shell = runPlanCommand(["--machine", "mainpc", "--json"], { PORT_OFFSET: "1000", UNRELATED_SECRET: "hunter2-do-not-echo" });
    assert.strictEqual(shell.stdout, clean.stdout);
    assert.strictEqual(portOf(shell.stdout, "ServiceRegistry"), 7200);
    assert.doesNotMatch(shell.stdout, /hunter2/);
  });

  it("takes an explicit --env NAME=VALUE", () => {
    const shifted = runPlanCommand(["--machine", "mainpc", "--json", "--env", "PORT_OFFSET=1000"], {});
    assert.strictEqual(portOf(shifted.stdout, "ServiceRegistry"), 8200);
  });

  it("rejects an --env without NAME=", () => {
    const bad = runPlanCommand(["--machine", "mainpc", "--env", "=1"], {});
    assert.strictEqual(bad.exitCode, 2);
    assert.match(bad.stderr, /^--env =1: expected NAME=VALUE\n/);
  });

  it("the report says the PORT_OFFSET it planned with, from --env only", () => {
    const fromShell = runReportCommand([], { PORT_OFFSET: "1000" });
    assert.match(fromShell.stdout, /\| PORT_OFFSET \| `0` \|/);
    const explicit = runReportCommand(["--env", "PORT_OFFSET=1000"], {});
    assert.match(explicit.stdout, /\| PORT_OFFSET \| `1000` \|/);
  });
});
