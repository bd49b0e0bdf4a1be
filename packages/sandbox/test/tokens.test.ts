import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { completionText, countPromptTokens, countTextTokens, defaultCompletionTokens, planCompletion, tokenPiece, WORDS } from "../src/tokens.ts";

describe("countPromptTokens", () => {
  it("is ceil(utf8 bytes / 4) + 4 per message", () => {
    assert.equal(countPromptTokens({ messages: [{ role: "user", content: "hello world" }] }), 3 + 4); // 11 bytes
    assert.equal(countPromptTokens({ messages: [{ role: "user", content: "abcd" }] }), 1 + 4);
    assert.equal(countPromptTokens({ messages: [{ role: "user", content: "" }] }), 4);
    assert.equal(countPromptTokens({ messages: [{ role: "system", content: "abcde" }, { role: "user", content: "12345678" }] }), 2 + 4 + 2 + 4);
    assert.equal(countPromptTokens({ messages: [{ role: "user", content: "é€😀" }] }), 3 + 4); // 2 + 3 + 4 = 9 bytes
  });

  it("concatenates the text parts of array content and ignores the rest", () => {
    const content = [{ type: "text", text: "abc" }, { type: "image_url", image_url: { url: "https://x/y.png" } }, { type: "text", text: "defgh" }];
    assert.equal(countPromptTokens({ messages: [{ role: "user", content }] }), 2 + 4); // "abcdefgh"
    assert.equal(countPromptTokens({ messages: [{ role: "assistant", tool_calls: [] }] }), 4);
  });

  it("counts legacy prompts", () => {
    assert.equal(countPromptTokens({ prompt: "hello world" }), 3);
    assert.equal(countPromptTokens({ prompt: "" }), 1);
    assert.equal(countTextTokens(["abcd", "abcde"]), 1 + 2);
    assert.equal(countTextTokens([1, 2, 3]), 3, "a token-id array counts its length");
    assert.equal(countTextTokens([[1, 2], [3]]), 3);
  });

  it("never exceeds the request body's byte length", () => {
    const texts = ["", "a", "ab", "héllo", "😀😀", "x".repeat(1001), "\"quoted\"\n\\", "中文字符"];
    for (const a of texts) {
      for (const b of texts) {
        const body = { model: "m", messages: [{ role: "u", content: a }, { role: "assistant", content: [{ type: "text", text: b }] }] };
        const bytes = Buffer.byteLength(JSON.stringify(body));
        assert.ok(countPromptTokens(body) <= bytes, `${countPromptTokens(body)} > ${bytes}`);
        const legacy = { model: "m", prompt: [a, b] };
        assert.ok(countPromptTokens(legacy) <= Buffer.byteLength(JSON.stringify(legacy)));
      }
    }
    const minimal = { messages: [{ role: "" }] };
    assert.ok(countPromptTokens(minimal) <= Buffer.byteLength(JSON.stringify(minimal)));
  });
});

describe("completion", () => {
  it("default length is 16 + (prompt × 31) mod 49, always within 16..64", () => {
    assert.equal(defaultCompletionTokens(7), 16 + (217 % 49));
    assert.equal(defaultCompletionTokens(7), 37);
    assert.equal(defaultCompletionTokens(0), 16);
    const seen = new Set<number>();
    for (let p = 0; p < 500; p++) {
      const n = defaultCompletionTokens(p);
      assert.ok(n >= 16 && n <= 64);
      seen.add(n);
    }
    assert.equal(seen.size, 49, "every length in 16..64 occurs");
  });

  it("content is one word per token from a fixed list", () => {
    assert.equal(WORDS.length, 64);
    assert.equal(tokenPiece(0, 7), WORDS[7]);
    assert.equal(tokenPiece(1, 7), ` ${WORDS[8]}`);
    assert.equal(tokenPiece(60, 7), ` ${WORDS[3]}`);
    assert.equal(completionText(3, 7), "foxtrot golf hotel");
    assert.equal(completionText(0, 7), "");
    assert.equal(completionText(5, 1), Array.from({ length: 5 }, (_, i) => tokenPiece(i, 1)).join(""));
  });

  it("plans: requested or default length, capped by max_tokens and the model", () => {
    assert.deepEqual(planCompletion({ promptTokens: 7, modelMax: 1000 }), { completionTokens: 37, finishReason: "stop" });
    assert.deepEqual(planCompletion({ promptTokens: 7, maxTokens: 10, modelMax: 1000 }), { completionTokens: 10, finishReason: "length" });
    assert.deepEqual(planCompletion({ promptTokens: 7, maxTokens: 37, modelMax: 1000 }), { completionTokens: 37, finishReason: "stop" });
    assert.deepEqual(planCompletion({ promptTokens: 7, requested: 500, modelMax: 1000 }), { completionTokens: 500, finishReason: "stop" });
    assert.deepEqual(planCompletion({ promptTokens: 7, requested: 500, maxTokens: 100, modelMax: 1000 }), { completionTokens: 100, finishReason: "length" });
    assert.deepEqual(planCompletion({ promptTokens: 7, requested: 5000, modelMax: 2048 }), { completionTokens: 2048, finishReason: "length" });
    assert.deepEqual(planCompletion({ promptTokens: 7, requested: 0, modelMax: 2048 }), { completionTokens: 0, finishReason: "stop" });
  });
});
