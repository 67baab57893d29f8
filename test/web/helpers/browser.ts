// Headless Chromium driven by playwright-core, as the Debian `chromium` package installs it (no
// browser is ever downloaded): a fresh profile per run, and everything the pages do wrong
// collected — uncaught errors, console errors, Content-Security-Policy violations, dialogs (an
// alert() from injected markup would open one) — for the tests to assert there was none.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../../helpers/processes.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'console');

export interface Browser {
  context: BrowserContext;
  problems: string[];
  dialogs: string[];
  newPage(): Promise<Page>;
  shot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package (sudo apt-get install -y chromium), or run npm test as root so bootstrap installs it`);
  const profile = mkdtempSync(join(tmpdir(), 'farmwatch-chromium-'));
  // playwright passes the profile as --user-data-dir itself (launchPersistentContext).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems: string[] = [];
  const dialogs: string[] = [];
  // Runs in every page before its own scripts: counts CSP violations the page itself sees.
  await context.addInitScript({
    content: "document.addEventListener('securitypolicyviolation', (e) => { (window.__cspViolations ??= []).push(e.violatedDirective + ' ' + e.blockedURI); });",
  });
  const watch = (page: Page): Page => {
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 40[134]/.test(m.text())) problems.push(`console error on ${page.url()}: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    return page;
  };
  context.on('page', watch);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context, problems, dialogs,
    newPage: async () => watch(await context.newPage()),
    shot: async (page, name) => {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** CSP violations the page recorded (see the init script above). */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('window.__cspViolations ?? []');
}
