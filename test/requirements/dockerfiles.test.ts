import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../support/tempConfigRoot";
import { argDefault, dockerfileProblems, parseDockerfile } from "./dockerfileRules";

const read = (name: string): string => fs.readFileSync(path.join(PROJECT_ROOT, "docker", name), "utf8");

describe("Dockerfile templates", () => {
  for (const name of ["Dockerfile.cpu", "Dockerfile.gpu"]) {
    it(`${name}: ARGs declared before use, non-root USER before ENTRYPOINT, requirements before launcher before code, no secrets`, () => {
      assert.deepStrictEqual(dockerfileProblems(read(name)), []);
    });
  }

  it("declares each group-specific ARG right before its first use, so shared layers stay cached", () => {
    for (const name of ["Dockerfile.cpu", "Dockerfile.gpu"]) {
      const instructions = parseDockerfile(read(name));
      const at = (predicate: (args: string) => boolean, keyword: string): number => instructions.findIndex((i) => i.keyword === keyword && predicate(i.args));
      const userAdd = at((a) => a.includes("useradd"), "RUN");
      const systemArg = at((a) => a.startsWith("SYSTEM_PACKAGES"), "ARG");
      const baseCopy = at((a) => a.includes("base.txt"), "COPY");
      const groupArg = at((a) => a === "REQUIREMENTS", "ARG");
      const groupCopy = at((a) => a.startsWith("${REQUIREMENTS}"), "COPY");
      assert.ok(userAdd < systemArg && systemArg < baseCopy && baseCopy < groupArg && groupArg < groupCopy, `${name}: ${[userAdd, systemArg, baseCopy, groupArg, groupCopy].join(" ")}`);
    }
  });

  it("never runs the agents' code at build time: a broken file of one agent cannot fail a group's build (preflight is the gate)", () => {
    for (const name of ["Dockerfile.cpu", "Dockerfile.gpu"]) {
      const instructions = parseDockerfile(read(name));
      const codeCopy = instructions.findIndex((i) => i.keyword === "COPY" && i.args === ". /app");
      // After the code arrives only the runtime directories are made; no compileall, no import, no pip install -e.
      assert.deepStrictEqual(
        instructions.slice(codeCopy + 1).filter((i) => i.keyword === "RUN").map((i) => i.args.replace(/\s+/g, " ")),
        ["mkdir -p /app/logs /app/data /app/cache /app/models /app/config && chown -R ai:ai /app/logs /app/data /app/cache /app/models /app/config"],
        name,
      );
      assert.ok(!/compileall|py_compile/.test(read(name)), name);
    }
  });

  it("uses python:3.11-slim for CPU and a CUDA 12.1 runtime with cu121 PyTorch wheels for GPU", () => {
    const cpu = read("Dockerfile.cpu");
    const gpu = read("Dockerfile.gpu");
    assert.strictEqual(argDefault(cpu, "PYTHON_IMAGE"), "python:3.11-slim-bookworm");
    assert.strictEqual(argDefault(cpu, "TORCH_INDEX_URL"), "https://download.pytorch.org/whl/cpu");
    assert.strictEqual(argDefault(gpu, "CUDA_IMAGE"), "nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04");
    assert.strictEqual(argDefault(gpu, "TORCH_INDEX_URL"), "https://download.pytorch.org/whl/cu121");
    assert.strictEqual(argDefault(gpu, "TORCH_VERSION"), "2.5.1");
    assert.match(gpu, /apt-get install -y --no-install-recommends python3\.11 python3\.11-venv python3\.11-dev/);
    assert.deepStrictEqual(
      parseDockerfile(gpu).filter((i) => i.keyword === "ENTRYPOINT").map((i) => i.args),
      ['["/opt/venv/bin/python", "/opt/ai-launcher/group_launcher.py"]'],
    );
  });

  it("finds each broken rule in a bad Dockerfile", () => {
    const bad = [
      "FROM python:3.11-slim",
      "ENV API_TOKEN=abc PYTHONPATH=/srv",
      "ARG UNUSED=1",
      "COPY . /app",
      "COPY group_launcher.py /opt/launcher.py",
      "COPY ${REQUIREMENTS} /tmp/r.txt",
      "RUN pip install -r /tmp/r.txt",
      "HEALTHCHECK CMD true",
      "ENTRYPOINT python /opt/launcher.py",
      "USER root",
    ].join("\n");
    assert.deepStrictEqual(dockerfileProblems(bad), [
      "line 2: ENV API_TOKEN looks like a secret baked into the image",
      "line 6: COPY uses $REQUIREMENTS, which no ARG or ENV above declares",
      "line 3: ARG UNUSED is never used",
      "no USER before ENTRYPOINT: the agents would run as root",
      "line 9: ENTRYPOINT must be the exec form ending in /opt/ai-launcher/group_launcher.py",
      "no useradd of ai with uid 10001",
      "HEALTHCHECK is the orchestrator's: the images must not set one",
      "line 6: requirements are copied after the launcher",
      "line 5: the launcher is copied after the code",
      "line 5: the launcher must be copied to /opt/ai-launcher/group_launcher.py",
      "line 7: pip install after the code COPY re-runs on every code change",
      "/app/logs is not created and given to ai after the code COPY",
      "/app/data is not created and given to ai after the code COPY",
      "/app/cache is not created and given to ai after the code COPY",
      "/app/models is not created and given to ai after the code COPY",
      "/app/config is not created and given to ai after the code COPY",
      "no WORKDIR /app",
      "no ENV PYTHONPATH=/app",
    ]);
    assert.deepStrictEqual(dockerfileProblems(bad.replace("USER root", "").replace("HEALTHCHECK CMD true", "USER 0")).filter((p) => p.includes("USER")), ["line 8: USER 0 is root"]);
  });

  it("ships a .dockerignore template that keeps secrets, .git and runtime data out but requirements in", () => {
    const patterns = read(".dockerignore").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
    for (const expected of [".git", "**/.env*", "**/.envrc", "**/secrets*", "**/*.pem", "**/__pycache__", "logs", "data", "cache", "models"]) {
      assert.ok(patterns.includes(expected), expected);
    }
    assert.deepStrictEqual(patterns.filter((p) => /requirements|config|\.py$/.test(p)), []);
  });
});
