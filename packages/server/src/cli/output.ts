// What the CLI prints: tables, JSON, labelled values, and the failure line. Colour only on a TTY
// and never when NO_COLOR is set.
import { formatWithOptions } from "node:util";

export interface Output {
  line(text?: string): void;
  json(value: unknown): void;
  table(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): void;
  fields(pairs: ReadonlyArray<readonly [string, unknown]>): void;
  error(message: string): void;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
}

export function colorEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

export function createOutput(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Output {
  const color = colorEnabled(stdout);
  const errColor = colorEnabled(stderr);
  const wrap = (on: boolean, open: number, close: number) => (text: string) => (on ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  const bold = wrap(color, 1, 22);
  const cell = (v: unknown): string => (v === null || v === undefined ? "-" : typeof v === "string" ? v : formatWithOptions({ colors: false }, "%s", v));
  return {
    line: (text = "") => void stdout.write(text + "\n"),
    json: (value) => void stdout.write(JSON.stringify(value, null, 2) + "\n"),
    table(rows, columns) {
      if (rows.length === 0) {
        stdout.write("(none)\n");
        return;
      }
      const cells = rows.map((r) => columns.map((c) => cell(r[c])));
      const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] ?? "").length)));
      const render = (values: readonly string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
      stdout.write(bold(render(columns.map((c) => c.toUpperCase()))) + "\n");
      for (const row of cells) stdout.write(render(row) + "\n");
    },
    fields(pairs) {
      const width = Math.max(...pairs.map(([k]) => k.length));
      for (const [k, v] of pairs) stdout.write(`${bold(k.padEnd(width))}  ${cell(v)}\n`);
    },
    error: (message) => void stderr.write(`${wrap(errColor, 31, 39)("vendo: error:")} ${message.replace(/\s*\n\s*/g, " ")}\n`),
    bold,
    dim: wrap(color, 2, 22),
    green: wrap(color, 32, 39),
  };
}
