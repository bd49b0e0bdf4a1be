// Compressed request bodies through the proxy: decoded, forwarded as plain JSON (the sandbox
// parses and serves them), and charged exactly what the sandbox billed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { getBalance } from "../../src/ledger/accounts.js";
import { decimalToNanos } from "../../src/ledger/money.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

const body = JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello world" }], max_tokens: 20 });
const codings: Array<{ header: string; encode: (b: Buffer) => Buffer }> = [
  { header: "gzip", encode: gzipSync },
  { header: "deflate", encode: deflateSync },
  { header: "br", encode: brotliCompressSync },
];

for (const { kind, skip } of storeKinds) {
  describe(`compressed request bodies (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind);
    });
    after(() => world?.close());

    for (const { header, encode } of codings) {
      it(`a ${header} body is decoded, served and charged what the sandbox billed`, async () => {
        world.sandbox.reset();
        const tenant = await world.createTenant("1");
        const key = await world.createKey(tenant);
        const compressed = encode(Buffer.from(body));
        assert.notDeepEqual(compressed, Buffer.from(body));
        const res = await fetch(`${world.proxyBaseUrl}/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${key.plaintext}`, "content-type": "application/json", "content-encoding": header },
          body: compressed,
        });
        const text = await res.text();
        assert.equal(res.status, 200, text);
        const reply = JSON.parse(text) as { usage: { prompt_tokens: number; completion_tokens: number } };
        // "hello world" is 7 prompt tokens by the sandbox's rule: the upstream read the decoded JSON.
        assert.equal(reply.usage.prompt_tokens, 7);
        assert.equal(reply.usage.completion_tokens, 20);

        await world.server.settled();
        const calls = world.sandbox.calls();
        assert.equal(calls.length, 1);
        assert.equal(calls[0]?.served, true);
        const cost = calls[0]?.costNanos as bigint;
        assert.ok(cost > 0n);
        const balance = await getBalance(world.server.store.db, tenant);
        assert.deepEqual(balance, { balance: (decimalToNanos("1") as bigint) - cost, held: 0n, available: (decimalToNanos("1") as bigint) - cost });
      });
    }
  });
}
