// The few Markdown constructs the integration pages use.

/** Inline code; the integration data never contains backticks, so no escaping is needed. */
export function code(text: string): string {
  return `\`${text}\``;
}

export function fence(language: string, lines: readonly string[]): string {
  return ["```" + language, ...lines, "```"].join("\n");
}

/** A GitHub-flavoured table; a pipe inside a cell would split it, so it is escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function yesNo(value: boolean): string {
  return value ? "Yes" : "No";
}
