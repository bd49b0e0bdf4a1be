// Bad catalog entries for the schema tests, written into a temp dir from the valid weather fixture.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const weatherFixture = new URL("../fixtures/weather.json", import.meta.url);

type Json = Record<string, unknown>;

/** A fresh copy of the weather fixture, to change one thing in. */
export function weatherJson(): Json {
  return JSON.parse(readFileSync(weatherFixture, "utf8")) as Json;
}

const made: string[] = [];
process.on("exit", () => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "vendo-catalog-"));
  made.push(dir);
  return dir;
}

/** Writes `weather` after `change` into dir/<fileName> and returns the file path. */
export function writeEntry(dir: string, fileName: string, change: (entry: Json) => void): string {
  const entry = weatherJson();
  change(entry);
  const file = join(dir, fileName);
  writeFileSync(file, JSON.stringify(entry, null, 2));
  return file;
}

/** Index into the fixture's arrays of objects without casts at every call site. */
export function at(entry: Json, key: string, index: number): Json {
  return (entry[key] as Json[])[index] as Json;
}
