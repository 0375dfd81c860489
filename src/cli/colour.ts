import { Environment } from "../config/substituteEnvironment";

/** Colour only on a terminal, and never when NO_COLOR is set to anything but "" (no-color.org). */
export function colourEnabled(stream: { readonly isTTY?: boolean }, env: Environment): boolean {
  const noColour = env["NO_COLOR"];
  return stream.isTTY === true && (noColour === undefined || noColour === "");
}

const SGR: Readonly<Record<string, string>> = { ERROR: "31;1", WARNING: "33", INFO: "36" };

/**
 * The severity word of every finding line (formatFinding: `ERROR [code] file:line: ...`) in its
 * colour. Applied to the finished text at the terminal, so commands and their tests stay plain.
 */
export function colourFindings(text: string): string {
  return text.replace(/\b(ERROR|WARNING|INFO)(?= \[)/g, (word) => `\x1b[${SGR[word]}m${word}\x1b[0m`);
}
