// The control API's one metric: requests by operation and status, counted once per response.
import { Counter } from "prom-client";
import { metricsRegistry } from "../metrics.js";

export const controlMetrics = new Counter({
  name: "vendo_control_requests_total",
  help: "Control API requests by operation and HTTP status.",
  labelNames: ["operation", "status"] as const,
  registers: [metricsRegistry],
});
