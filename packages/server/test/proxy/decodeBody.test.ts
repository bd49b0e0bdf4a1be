// Compressed request bodies: each coding decoded, the limit applied to the decoded bytes (and
// decoding stopped there), unknown codings and lying headers refused with their own codes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { decodeBody, requestEncodings } from "../../src/proxy/decodeBody.js";
import { ProxyError } from "../../src/proxy/errors.js";

const json = Buffer.from(JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello world" }] }));
const LIMIT = 64 * 1024;

async function refusal(promise: Promise<unknown>): Promise<ProxyError> {
  const error = await promise.then(
    () => assert.fail("expected a refusal"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProxyError, String(error));
  return error;
}

describe("requestEncodings", () => {
  it("reads the codings, identity and case aside", () => {
    assert.deepEqual(requestEncodings(undefined), []);
    assert.deepEqual(requestEncodings(""), []);
    assert.deepEqual(requestEncodings("identity"), []);
    assert.deepEqual(requestEncodings("GZIP"), ["gzip"]);
    assert.deepEqual(requestEncodings("deflate, br"), ["deflate", "br"]);
  });

  it("refuses a coding it cannot decode with 415 and closes the connection", () => {
    for (const header of ["zstd", "compress", "gzip, zstd"]) {
      assert.throws(() => requestEncodings(header), (e: unknown) => e instanceof ProxyError && e.code === "UNSUPPORTED_ENCODING" && e.status === 415 && e.headers.connection === "close");
    }
  });
});

describe("decodeBody", () => {
  it("decodes gzip, x-gzip, deflate, br and a chain of them back to the same bytes", async () => {
    assert.deepEqual(await decodeBody(gzipSync(json), ["gzip"], LIMIT), json);
    assert.deepEqual(await decodeBody(gzipSync(json), ["x-gzip"], LIMIT), json);
    assert.deepEqual(await decodeBody(deflateSync(json), ["deflate"], LIMIT), json);
    assert.deepEqual(await decodeBody(brotliCompressSync(json), ["br"], LIMIT), json);
    // "deflate, br": deflate applied first, br last; decoded in reverse.
    assert.deepEqual(await decodeBody(brotliCompressSync(deflateSync(json)), ["deflate", "br"], LIMIT), json);
  });

  it("allows a body of exactly the limit once decoded and refuses one byte more (413)", async () => {
    const exact = Buffer.alloc(LIMIT, 0x20);
    assert.equal((await decodeBody(gzipSync(exact), ["gzip"], LIMIT)).length, LIMIT);
    const over = await refusal(decodeBody(gzipSync(Buffer.alloc(LIMIT + 1, 0x20)), ["gzip"], LIMIT));
    assert.equal(over.code, "BODY_TOO_LARGE");
    assert.equal(over.status, 413);
    assert.match(over.message, /exceeds 65536 bytes once decoded \(gzip\)/);
  });

  it("stops inflating a bomb at the limit instead of inflating it all (200 KB → 200 MiB)", async () => {
    const member = gzipSync(Buffer.alloc(1 << 20));
    const bomb = Buffer.concat(Array.from({ length: 200 }, () => member));
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const error = await refusal(decodeBody(bomb, ["gzip"], LIMIT));
    const ms = performance.now() - started;
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.equal(error.code, "BODY_TOO_LARGE");
    // Inflating it all would allocate 200 MiB; stopping at the limit allocates a few chunks.
    assert.ok(grown < 32 * 1024 * 1024, `external memory grew by ${grown} bytes`);
    console.log(`# 200 MiB gzip bomb refused after ${ms.toFixed(1)} ms, external memory +${(grown / 1024).toFixed(0)} KiB`);
  });

  it("refuses bytes that are not what the header says with 400 BAD_ENCODING", async () => {
    for (const coding of ["gzip", "deflate", "br"]) {
      const error = await refusal(decodeBody(json, [coding], LIMIT));
      assert.equal(error.code, "BAD_ENCODING");
      assert.equal(error.status, 400);
      assert.match(error.message, new RegExp(`not valid ${coding} data`));
    }
    // gzip sent under deflate's name, and a gzip body cut short.
    assert.equal((await refusal(decodeBody(gzipSync(json), ["deflate"], LIMIT))).code, "BAD_ENCODING");
    assert.equal((await refusal(decodeBody(gzipSync(json).subarray(0, 30), ["gzip"], LIMIT))).code, "BAD_ENCODING");
  });
});
