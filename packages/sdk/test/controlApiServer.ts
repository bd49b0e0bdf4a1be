// A tiny control API on loopback for the SDK's Vendo-mode lookup: records requests, answers as told.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface Answer {
  status: number;
  body: string;
}

export interface FakeControlApi {
  url: string;
  requests: Recorded[];
  /** Answers in order; the last one repeats. */
  answer(...answers: Answer[]): void;
  close(): Promise<void>;
}

export const envList = (vars: { name: string; value: string }[]): Answer => ({
  status: 200,
  body: JSON.stringify({ data: vars.map((v) => ({ ...v, secret: v.name.endsWith("_KEY"), integration: "openrouter" })) }),
});

export async function startControlApi(): Promise<FakeControlApi> {
  const requests: Recorded[] = [];
  let answers: Answer[] = [{ status: 404, body: "{}" }];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    const next = (answers.length > 1 ? answers.shift() : answers[0]) as Answer;
    res.writeHead(next.status, { "content-type": "application/json" }).end(next.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (...next) => void (answers = next),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A loopback URL nothing listens on. */
export async function closedUrl(): Promise<string> {
  const api = await startControlApi();
  await api.close();
  return api.url;
}
