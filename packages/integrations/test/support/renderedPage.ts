// Reads a rendered Markdown page back into what a reader sees, so it can be compared with the seed.

/** Inline Markdown as plain text: `code` → code, [text](href) → text. */
export function plainText(markdown: string): string {
  return markdown.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/`([^`]*)`/g, "$1");
}

/** The body of a `## heading` section, up to the next level-2 heading. */
export function section(page: string, heading: string): string {
  const start = page.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`rendered page has no "## ${heading}" section`);
  const bodyStart = start + heading.length + 5;
  const next = page.indexOf("\n## ", bodyStart);
  return page.slice(bodyStart, next < 0 ? undefined : next).trim();
}

/** Paragraphs of a section outside code fences and tables, as plain text. */
export function prose(body: string): string[] {
  return body
    .split("\n\n")
    .filter((p) => !p.startsWith("```") && !p.startsWith("|") && !p.startsWith("#"))
    .map((p) => plainText(p.trim()));
}

/** Every table row in a section (header first, separator dropped) as plain-text cells. */
export function tableRows(body: string): string[][] {
  return body
    .split("\n")
    .filter((l) => l.startsWith("|") && !/^\|( --- \|)+$/.test(l))
    .map((l) =>
      l
        .slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((cell) => plainText(cell.replace(/\\\|/g, "|"))),
    );
}

/** The contents of every fenced code block in a section, in order. */
export function codeBlocks(body: string): string[] {
  return [...body.matchAll(/^```[a-z]*\n([\s\S]*?)\n```$/gm)].map((m) => m[1] as string);
}
