/**
 * The rules every build context's .dockerignore must hold, whatever else the user keeps there:
 * version control, runtime data and models (mounted at run time), logs, and secret files at any
 * depth. The user's own file is checked, never overwritten.
 */
export const REQUIRED_DOCKERIGNORE_RULES = [".git", "data", "models", "logs", "**/secrets*", "**/.env*", "**/.envrc"] as const;

/** `dir/`, `/dir` and `dir` are the same rule; `**\/x` also covers a root-level `x`. */
function normalise(rule: string): string {
  return rule.trim().replace(/^\/+/, "").replace(/\/+$/, "");
}

/** The required rules the text lacks, in the order above (an exact line, up to the forms above). */
export function missingDockerignoreRules(text: string): string[] {
  const lines = new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#") && !l.startsWith("!"))
      .map(normalise),
  );
  return REQUIRED_DOCKERIGNORE_RULES.filter((rule) => {
    const r = normalise(rule);
    return !lines.has(r) && !lines.has(`**/${r}`);
  });
}
