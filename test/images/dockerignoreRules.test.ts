import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { missingDockerignoreRules } from "../../src/images/dockerignoreRules";
import { PROJECT_ROOT, V3_TREE } from "../support/tempConfigRoot";

describe("images/dockerignoreRules", () => {
  it("finds what the user's own .dockerignore lacks (its secrets/ and .env lines cover neither nested secrets nor .env.production)", () => {
    const text = fs.readFileSync(path.join(V3_TREE, ".dockerignore"), "utf8");
    assert.deepStrictEqual(missingDockerignoreRules(text), ["**/secrets*", "**/.env*", "**/.envrc"]);
  });

  it("accepts this project's template, and the same rules written as dir/, /dir or **/dir", () => {
    assert.deepStrictEqual(missingDockerignoreRules(fs.readFileSync(path.join(PROJECT_ROOT, "docker", ".dockerignore"), "utf8")), []);
    assert.deepStrictEqual(missingDockerignoreRules(".git/\n/data\n**/models\nlogs/\n**/secrets*\n**/.env*\n**/.envrc\n"), []);
    assert.deepStrictEqual(missingDockerignoreRules("# .git\n!data\n"), [".git", "data", "models", "logs", "**/secrets*", "**/.env*", "**/.envrc"]);
  });
});
