// Proxy counters, updated once per request (never per chunk).
import { Counter } from "prom-client";

export const proxyMetrics = {
  requests: new Counter({ name: "vendo_proxy_requests_total", help: "Proxied requests by integration and HTTP status", labelNames: ["integration", "status"] }),
  chargedNanos: new Counter({ name: "vendo_proxy_charged_nanousd_total", help: "Nano-USD charged to tenants", labelNames: ["integration"] }),
};
