// Debian's Chromium (/usr/bin/chromium) driven by playwright-core: never a downloaded browser.
// scripts/test.mjs sets VENDO_TEST_BROWSER=1 when it is installed (and fails the run when
// VENDO_REQUIRE_BROWSER=1 and it is not); otherwise browser suites are skipped with the reason.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { dashboardDistDir } from "../../../src/dashboard/staticFiles.js";

export const CHROMIUM = "/usr/bin/chromium";

/** false (run) when Chromium is there; the reason to skip otherwise. */
export const browserSkip: string | false =
  process.env.VENDO_TEST_BROWSER === "1" || (process.env.VENDO_TEST_BROWSER === undefined && existsSync(CHROMIUM))
    ? false
    : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium; CI sets VENDO_REQUIRE_BROWSER=1)`;

export interface TestBrowser {
  browser: Browser;
  /** A fresh, isolated context (its own cookies), like a separate person's browser. */
  context(options?: { width?: number; height?: number; mobile?: boolean }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    // playwright gives each launch a fresh --user-data-dir in a temp folder, removed at close.
  });
  return {
    browser,
    context: (o = {}) =>
      browser.newContext({
        viewport: { width: o.width ?? 1280, height: o.height ?? 900 },
        ...(o.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
      }),
    close: () => browser.close(),
  };
}

/** Builds the page if `npm install` has not (the server reads it at start). */
export function ensureDashboardBuilt(): void {
  const dist = dashboardDistDir();
  if (existsSync(join(dist, "index.html"))) return;
  const built = spawnSync(process.execPath, [join(dist, "..", "build.mjs")], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`building the dashboard failed: ${built.stderr}`);
}
