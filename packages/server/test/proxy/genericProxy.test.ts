// The generic proxy names no provider (issue 12, DESIGN §2, STYLE 7): what differs between
// upstreams lives in the adapter beside each catalog entry. Every file of src/proxy is read and
// must mention none of the catalog's integrations (slug, name or adapter kind), nor a provider the
// adapters serve or imitate, in code or in comments.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { ADAPTER_KINDS, catalog } from "@vendo/integrations";

const proxyDir = fileURLToPath(new URL("../../src/proxy/", import.meta.url));
const words = new Set<string>(["openrouter", "openai", "anthropic", "tavily", "exa", "claude", "gpt"]);
for (const integration of catalog.values()) {
  words.add(integration.slug);
  words.add(integration.name.toLowerCase());
}
for (const kind of ADAPTER_KINDS) if (kind !== "per_call") words.add(kind);

it("no file of the generic proxy names a provider", () => {
  const files = readdirSync(proxyDir).filter((f) => f.endsWith(".ts"));
  assert.ok(files.length >= 10, `read ${files.length} files of ${proxyDir}`);
  const found: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(proxyDir, file), "utf8").toLowerCase();
    for (const word of words) {
      const at = new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).exec(text);
      if (at) found.push(`${file}: "${word}" in …${text.slice(Math.max(0, at.index - 30), at.index + 30).replace(/\n/g, " ")}…`);
    }
  }
  assert.deepEqual(found, []);
});
