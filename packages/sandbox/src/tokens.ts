// Deterministic token rules: a test can predict every count and every content byte.
//
//   chat prompt       = Σ over messages (ceil(utf8 bytes of the message's text / 4) + 4)
//                       where the text is `content` if a string, else the concatenation of the
//                       `text` fields of its parts; other fields (images, tool calls) count 0.
//   text prompt       = Σ over prompts max(1, ceil(utf8 bytes / 4))   (legacy /completions)
//   embedding input   = Σ over inputs max(1, ceil(utf8 bytes / 4)); a token-id array counts its length
//   default completion = 16 + (promptTokens × 31) mod 49              (16..64)
//   content           = token i is " " + WORDS[(promptTokens + i) mod 64] (no space for i = 0);
//                       choice c of n (`n`) is the same with promptTokens + c
//
// Every count is at most the byte length of the JSON body it came from (a message costs at least
// `{"role":"x"}`, 12 bytes, and ceil(b/4) ≤ b).

export const WORDS: readonly string[] = (
  "sandbox reply alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike " +
  "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber " +
  "basil cedar dune ember fjord glade harbor iris jade kelp lagoon meadow nectar orchid pebble " +
  "quartz river saffron tundra umber violet willow yarrow zephyr acorn birch clover dahlia fern " +
  "ginger hazel indigo jasmine kestrel linden"
).split(" ");

if (WORDS.length !== 64) throw new Error(`tokens: WORDS must hold 64 words, has ${WORDS.length}`);

const PIECE_NEXT = WORDS.map((w) => ` ${w}`);

function textTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, "utf8") / 4);
}

function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    if (part && typeof part === "object" && typeof (part as { text?: unknown }).text === "string") {
      text += (part as { text: string }).text;
    }
  }
  return text;
}

/** Prompt tokens of a chat request (`messages`) or of a legacy completion request (`prompt`). */
export function countPromptTokens(body: { messages?: unknown; prompt?: unknown }): number {
  if (Array.isArray(body.messages)) {
    let tokens = 0;
    for (const message of body.messages) {
      const content = message && typeof message === "object" ? (message as { content?: unknown }).content : undefined;
      tokens += textTokens(messageText(content)) + 4;
    }
    return tokens;
  }
  return countTextTokens(body.prompt);
}

/** Tokens of a string or a list of strings/token arrays, at least 1 per item. */
export function countTextTokens(input: unknown): number {
  if (typeof input === "string") return Math.max(1, textTokens(input));
  if (!Array.isArray(input)) return 0;
  if (input.length > 0 && input.every((x) => typeof x === "number")) return input.length;
  let tokens = 0;
  for (const item of input) {
    if (typeof item === "string") tokens += Math.max(1, textTokens(item));
    else if (Array.isArray(item)) tokens += Math.max(1, item.length);
  }
  return tokens;
}

/** Completion length when the request does not ask for one: 16..64, from the prompt length. */
export function defaultCompletionTokens(promptTokens: number): number {
  return 16 + ((promptTokens * 31) % 49);
}

/** The text of completion token `index` for a prompt of `promptTokens` tokens. */
export function tokenPiece(index: number, promptTokens: number): string {
  const word = (promptTokens + index) % 64;
  return (index === 0 ? WORDS[word] : PIECE_NEXT[word]) ?? "";
}

/** The full completion text of `completionTokens` tokens. */
export function completionText(completionTokens: number, promptTokens: number): string {
  let text = "";
  for (let i = 0; i < completionTokens; i++) text += tokenPiece(i, promptTokens);
  return text;
}

/** Choice `choice` of `n`: its words start `choice` further along (choice 0 is completionText). */
export function choiceText(completionTokens: number, promptTokens: number, choice: number): string {
  return completionText(completionTokens, promptTokens + choice);
}

export interface CompletionPlanInput {
  readonly promptTokens: number;
  /** Exact length asked for (`x-sandbox-completion-tokens` or the `tokens=` fault directive). */
  readonly requested?: number | undefined;
  /** The smaller of `max_tokens` and `max_completion_tokens`, if given. */
  readonly maxTokens?: number | undefined;
  /** The model's `top_provider.max_completion_tokens`. */
  readonly modelMax: number;
}

export interface CompletionPlan {
  readonly completionTokens: number;
  readonly finishReason: "stop" | "length";
}

/**
 * Completion length: the requested length (else the default), capped by `max_tokens` and the
 * model's maximum. `finish_reason` is "length" when a cap cut it, "stop" otherwise.
 */
export function planCompletion(input: CompletionPlanInput): CompletionPlan {
  const wanted = input.requested ?? defaultCompletionTokens(input.promptTokens);
  const cap = Math.min(input.maxTokens ?? Infinity, input.modelMax);
  return wanted > cap ? { completionTokens: cap, finishReason: "length" } : { completionTokens: wanted, finishReason: "stop" };
}
