// Child process: the reference pass-through proxy (bench/passthrough.ts).
import { startPassthrough } from "../passthrough.ts";
import { childConfig, serveChild } from "./ipc.ts";

const config = childConfig<{ upstream: string; upstreamKey: string }>();
await serveChild(() => startPassthrough(config));
