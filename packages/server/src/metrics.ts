// Prometheus metrics: one registry for the process (prom-client's default), served at /metrics.
// The proxy and the control API add their counters here; default process metrics are collected once.
import { collectDefaultMetrics, register, type Registry } from "prom-client";

export const metricsRegistry: Registry = register;

let defaultsCollected = false;

/** Starts collecting Node's process metrics (idempotent: tests start many servers in one process). */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry, prefix: "vendo_" });
}
