// Request bodies sent with `Content-Encoding: gzip | deflate | br`, decoded before anything reads
// them. The body limit applies to the decoded bytes: node's zlib stops inflating as soon as the
// output passes `maxOutputLength`, so a compression bomb costs at most the limit, never its size.
import { brotliDecompress, gunzip, inflate, type InputType, type ZlibOptions, type BrotliOptions } from "node:zlib";
import { ProxyError } from "./errors.js";

type Decoder = (input: InputType, options: ZlibOptions & BrotliOptions, callback: (error: Error | null, result: Buffer) => void) => void;

// `deflate` is the zlib format (RFC 9110 §8.4.1.2), `x-gzip` gzip's old name (§8.4.1.3).
const decoders: Readonly<Record<string, Decoder>> = {
  gzip: gunzip,
  "x-gzip": gunzip,
  deflate: inflate,
  br: brotliDecompress,
};

/**
 * The content codings of a request, outermost last, `identity` left out; [] when none.
 * Throws UNSUPPORTED_ENCODING (415) for a coding this proxy cannot decode.
 */
export function requestEncodings(header: string | undefined): string[] {
  if (!header) return [];
  const codings = header
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  const unknown = codings.find((c) => !(c in decoders));
  if (unknown !== undefined) {
    throw new ProxyError("UNSUPPORTED_ENCODING", `Content-Encoding '${unknown.slice(0, 40)}' is not supported; use gzip, deflate or br.`, { connection: "close" });
  }
  return codings;
}

/**
 * Undoes `codings` (as listed in Content-Encoding, applied in that order), each step bounded by
 * `maxBytes` of output. Errors: BODY_TOO_LARGE (413) past the limit, BAD_ENCODING (400) when the
 * bytes are not what the header says.
 */
export async function decodeBody(body: Buffer, codings: readonly string[], maxBytes: number): Promise<Buffer> {
  let decoded = body;
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i] as string;
    decoded = await decodeOnce(decoded, coding, maxBytes);
  }
  return decoded;
}

function decodeOnce(body: Buffer, coding: string, maxBytes: number): Promise<Buffer> {
  const decoder = decoders[coding] as Decoder;
  return new Promise((resolve, reject) => {
    decoder(body, { maxOutputLength: maxBytes }, (error, result) => {
      if (!error) return resolve(result);
      if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
        return reject(new ProxyError("BODY_TOO_LARGE", `Request body exceeds ${maxBytes} bytes once decoded (${coding}).`));
      }
      reject(new ProxyError("BAD_ENCODING", `Request body is not valid ${coding} data, as its Content-Encoding says.`));
    });
  });
}
