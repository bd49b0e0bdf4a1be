// The seed page (the OpenRouter integration page Vendo must make true), split into what tests check.
// It is plain text: headings are bare lines and table cells run together with no separator.
import { readFileSync } from "node:fs";

export const seedCopy = new URL("../fixtures/seed-page.txt", import.meta.url);
export const sharedSeed = new URL("../../../../../shared/reference/000_ff4a63f687a1f4bd.txt", import.meta.url);

export const seedText = readFileSync(seedCopy, "utf8");
const lines = seedText.split("\n");

function indexOfLine(line: string, from = 0): number {
  const i = lines.indexOf(line, from);
  if (i < 0) throw new Error(`seed page has no line "${line}"`);
  return i;
}

/** The lines after `heading` up to (not including) the next line equal to `until`. */
function linesBetween(heading: string, until: string): string[] {
  const start = indexOfLine(heading) + 1;
  return lines.slice(start, indexOfLine(until, start));
}

/** The paragraphs (non-empty lines) of a section. */
export function paragraphs(heading: string, until: string): string[] {
  return linesBetween(heading, until).filter((l) => l.trim() !== "");
}

/** A table's header line and row lines, each a run of cells without separators. */
export function seedTable(headerLine: string): { header: string; rows: string[] } {
  const start = indexOfLine(headerLine);
  const end = lines.indexOf("", start);
  return { header: headerLine, rows: lines.slice(start + 1, end) };
}

/** The three quickstart programs as one block of lines, exactly as the page shows them. */
export function seedQuickstart(): string {
  return linesBetween("Quickstart", "Learn more").join("\n").trim();
}

export const seed = {
  tagline: lines[indexOfLine("OpenRouter") + 2] as string,
  description: lines[indexOfLine("OpenRouter") + 4] as string,
  authModes: seedTable("ProfileDefaultHow it works"),
  envVars: seedTable("VariableProfilesSourceSecret"),
  envVarsIntro: paragraphs("Environment variables", "VariableProfilesSourceSecret")[0] as string,
  runtime: paragraphs("Reading the credential at runtime", "Proxy endpoint")[0] as string,
  proxyEndpoint: paragraphs("Proxy endpoint", "Quickstart"),
  quickstart: seedQuickstart(),
};
