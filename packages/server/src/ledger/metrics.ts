// The ledger's counters: the events docs/money.md says are logged and counted, never dropped.
import { Counter } from "prom-client";

export const ledgerMetrics = {
  latePosts: new Counter({
    name: "vendo_ledger_late_posts_total",
    help: "Charges posted after their hold had expired (a reaped instance's call that finished anyway)",
    labelNames: ["integration"],
  }),
  overages: new Counter({ name: "vendo_ledger_overages_total", help: "Charges that exceeded their hold", labelNames: ["integration"] }),
  overageNanos: new Counter({ name: "vendo_ledger_overage_nanousd_total", help: "Nano-USD charged beyond holds", labelNames: ["integration"] }),
  duplicateResolutions: new Counter({
    name: "vendo_ledger_duplicate_resolutions_total",
    help: "Settlements or releases of a hold that was already resolved (nothing changed)",
    labelNames: ["operation"],
  }),
  fenced: new Counter({ name: "vendo_ledger_instance_fenced_total", help: "Times this instance found it had been reaped (its epoch bumped)" }),
  expiredHolds: new Counter({ name: "vendo_ledger_expired_holds_total", help: "Holds expired by the reaper", labelNames: ["reason"] }),
};
