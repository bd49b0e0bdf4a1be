// A secret generated once into the data folder (mode 0600) and read back on every restart, so
// `vendo dev` keeps the same admin token and sandbox key across runs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function persistedSecret(file: string, generate: () => string): string {
  if (existsSync(file)) {
    const value = readFileSync(file, "utf8").trim();
    if (value) return value;
  }
  mkdirSync(dirname(file), { recursive: true });
  const value = generate();
  writeFileSync(file, value + "\n", { mode: 0o600 });
  return value;
}
