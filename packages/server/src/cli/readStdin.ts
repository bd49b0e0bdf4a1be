// Reads all of stdin when it is piped; undefined on a terminal (nothing to read, and no prompt).
export async function readStdin(stream: NodeJS.ReadStream = process.stdin): Promise<string | undefined> {
  if (stream.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}
