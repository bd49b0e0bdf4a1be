// Proxy counters, updated once per request (never per chunk).
import { Counter, Histogram } from "prom-client";

export const proxyMetrics = {
  requests: new Counter({ name: "vendo_proxy_requests_total", help: "Proxied requests by integration and HTTP status", labelNames: ["integration", "status"] }),
  chargedNanos: new Counter({ name: "vendo_proxy_charged_nanousd_total", help: "Nano-USD charged to tenants", labelNames: ["integration"] }),
  overhead: new Histogram({
    name: "vendo_proxy_admission_seconds",
    help: "Time from request arrival to forwarding (authenticate + admit)",
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05],
  }),
};
