/**
 * `compose --write-env` and the compose files are written inside --out only, never through a
 * symbolic link or a hard link (src/compose/outputFiles.ts), tested with real links: what the
 * link points at stays unchanged and nothing at all is written.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runComposeCommand } from "../../src/cli/composeCommand";
import { writeRegularFile } from "../../src/compose/outputFiles";
import { PASSWORD_INPUTS } from "../../src/compose/envFile";
import { SecretName } from "../../src/render/spec";
import { TEST_SECRETS } from "../support/fakeStackInputs";

/** The secrets as `compose --write-env` reads them from its environment. */
const PASSWORD_ENV = Object.fromEntries(Object.entries(PASSWORD_INPUTS).map(([secret, variable]) => [variable, TEST_SECRETS[secret as SecretName]]));

describe("compose: output files only inside --out, never through a link", function () {
  this.timeout(60_000);
  let base = "";
  let out = "";
  /** A file outside the output directory, which no link may let the command change. */
  let victim = "";
  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-links-")));
    out = path.join(base, "out");
    fs.mkdirSync(out);
    victim = path.join(base, "victim.txt");
    fs.writeFileSync(victim, "precious\n", { mode: 0o644 });
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  const compose = (envFile: string) => runComposeCommand(["--machine", "pc2", "--out", out, "--write-env", envFile], PASSWORD_ENV, out);
  const untouched = () => {
    assert.strictEqual(fs.readFileSync(victim, "utf8"), "precious\n");
    assert.strictEqual(fs.statSync(victim).mode & 0o777, 0o644);
  };

  it("refuses an env file that is a symbolic link, and writes nothing", () => {
    fs.symlinkSync(victim, path.join(out, ".env"));
    const result = compose(".env");
    assert.strictEqual(result.exitCode, 1);
    assert.strictEqual(
      result.stderr,
      `Nothing written:\nERROR [compose-export] ${out}/.env:1: refusing to write ${out}/.env: ${out}/.env is a symbolic link (to ${victim}); remove it; nothing was written\n`,
    );
    untouched();
    assert.deepStrictEqual(fs.readdirSync(out), [".env"]);
  });

  it("refuses a dangling link (it would create the file it points at)", () => {
    const target = path.join(base, "created-elsewhere");
    fs.symlinkSync(target, path.join(out, ".env"));
    assert.strictEqual(compose(".env").exitCode, 1);
    assert.strictEqual(fs.existsSync(target), false);
  });

  it("refuses a directory on the way that is a symbolic link", () => {
    fs.symlinkSync(base, path.join(out, "secrets"));
    const result = compose("secrets/victim.txt");
    assert.strictEqual(result.exitCode, 1);
    assert.match(result.stderr, new RegExp(`refusing to write ${out}/secrets/victim\\.txt: ${out}/secrets is a symbolic link \\(to ${base}\\); remove it`));
    untouched();
  });

  it("refuses an env file outside --out", () => {
    const result = compose("../victim.txt");
    assert.strictEqual(result.exitCode, 1);
    assert.strictEqual(
      result.stderr,
      `Nothing written:\nERROR [compose-export] ${victim}:1: refusing to write ${victim}: it is outside the output directory ${out}; give a path inside --out; nothing was written\n`,
    );
    untouched();
    assert.deepStrictEqual(fs.readdirSync(out), []);
  });

  it("refuses a compose file that is a symbolic link, and an env file with a second hard link", () => {
    fs.symlinkSync(victim, path.join(out, "docker-compose.pc2.yml"));
    assert.match(compose(".env").stderr, new RegExp(`${out}/docker-compose\\.pc2\\.yml is a symbolic link \\(to ${victim}\\)`));
    fs.unlinkSync(path.join(out, "docker-compose.pc2.yml"));
    fs.linkSync(victim, path.join(out, ".env"));
    assert.match(compose(".env").stderr, new RegExp(`${out}/\\.env has 2 hard links, so other names would share what is written; remove it`));
    untouched();
  });

  it("still writes into a fresh directory and replaces its own earlier files (mode 0600 for the env file)", () => {
    for (let i = 0; i < 2; i++) {
      const result = compose(".env");
      assert.strictEqual(result.exitCode, 0, result.stderr);
      assert.deepStrictEqual(fs.readdirSync(out).sort(), [".env", "ai-system-files", "docker-compose.network.yml", "docker-compose.pc2.yml"]);
      assert.strictEqual(fs.statSync(path.join(out, ".env")).mode & 0o777, 0o600);
      assert.ok(result.stdout.includes(`  ${out}/.env (mode 0600)`));
    }
  });

  it("opens with O_NOFOLLOW and checks the descriptor: a link or a hard link that appears after the checks is still refused", () => {
    const target = path.join(out, ".env");
    fs.symlinkSync(victim, target);
    assert.strictEqual(writeRegularFile(target, "SECRET=1\n", 0o600)?.message, `refusing to write ${target}: it is a symbolic link; remove it; nothing was written`);
    fs.unlinkSync(target);
    fs.linkSync(victim, target);
    assert.strictEqual(writeRegularFile(target, "SECRET=1\n", 0o600)?.message, `refusing to write ${target}: it is not a regular file with one link; nothing was written`);
    untouched();
    fs.unlinkSync(target);
    assert.strictEqual(writeRegularFile(target, "SECRET=1\n", 0o600), null);
    assert.deepStrictEqual([fs.readFileSync(target, "utf8"), fs.statSync(target).mode & 0o777], ["SECRET=1\n", 0o600]);
  });
});
