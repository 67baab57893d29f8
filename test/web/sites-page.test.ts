// The console's Sites page in headless Chromium, against a real collector fed by real agent
// clients: an admin adds the HQ (after a range the collector refuses, whose reason is shown),
// laptops at the HQ teach it their gateway and access points, the page lists them with how many
// laptops saw each, the admin drops one; IT reads the page without the admin's controls; the
// device page says the laptop is at the site. No page error, no CSP violation, no dialog.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ObservationKind } from '@farmwatch/proto';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from '../helpers/processes.js';
import { makePki, type Pki } from '../helpers/pki.js';
import { cspViolations, launch, type Browser } from './helpers/browser.js';
import { observation, report } from './helpers/laptops.js';

const HQ_IP = '12.0.0.10';   // AT&T business line (Bridgeton US)
const PASSWORDS = { alice: 'amber falcon orchard 42', carol: 'silver harbor willow 88' };

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
let browser: Browser;
let laptopId = '';

async function login(name: keyof typeof PASSWORDS, path: string): Promise<Page> {
  // One browser profile: whoever logged in before is logged out.
  await browser.context.clearCookies();
  const p = await browser.newPage();
  await p.goto(`${collector.api}${path}`);
  await p.waitForURL(/\/login/);
  await p.fill('#login-name', name);
  await p.fill('#login-password', PASSWORDS[name]);
  await p.click('.login-form button[type=submit]');
  await p.waitForURL((u) => u.pathname === path);
  return p;
}

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-sites-page-'));
  db = join(work, 'collector.db');
  collector = await startCollector(db, pki.dir, ['--trusted-proxy', '127.0.0.1/32', '--proxy-protocol', 'optional']);
  for (const [name, role] of [['alice', 'admin'], ['carol', 'it']] as const) {
    const file = join(work, `${name}.pw`);
    writeFileSync(file, `${PASSWORDS[name]}\n`, { mode: 0o600 });
    const r = await run(COLLECTOR_CLI, ['users', 'create', '--name', name, '--role', role, '--password-file', file, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
  }
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

describe('the Sites page', () => {
  it('an admin adds the HQ, sees what laptops there saw, and drops an item', async () => {
    const page = await login('alice', '/sites');
    await page.getByText('No site yet.').waitFor();
    await page.fill('#site-name', 'HQ');
    await page.fill('#site-egress', '12.0.0.10/24');
    await page.click('form.inline-form button[type=submit]');
    await page.locator('.toast.error', { hasText: 'has host bits set: give the network, 12.0.0.0/24, or one address, 12.0.0.10/32' }).waitFor();
    // The browser logs the refused request (400); nothing else went wrong.
    expect(browser.problems.filter((x) => !/status of 400 \(Bad Request\)/.test(x))).toEqual([]);
    browser.problems.length = 0;
    await page.fill('#site-egress', '12.0.0.0/24, 2001:db8:4::/48');
    await page.click('form.inline-form button[type=submit]');
    await page.locator('section.card h2', { hasText: 'HQ' }).waitFor();
    expect(await page.locator('section.card h2', { hasText: 'HQ' }).innerText()).toMatch(/^HQ\s+12\.0\.0\.0\/24, 2001:db8:4::\/48$/);
    // Two people's laptops at the HQ: its gateway and the access point they join.
    for (const [i, name] of ['Avery Brooks', 'Jordan Ellis'].entries()) {
      const email = name.toLowerCase().replace(' ', '.');
      const me = await report(collector.address, db, pki.ca, { serial: `HQ-${i}`, assignee: `${name} <${email}@example.com>`, shipTo: 'Fairfield, California, US', timeZone: 'America/Los_Angeles', hostname: `LT-${email}` },
        HQ_IP, (key) => [
          observation(ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, '02:0f:f1:ce:00:01', 'eth0', key),
          observation(ObservationKind.OBSERVATION_KIND_WIFI_BSSID, '02:0f:f1:ce:00:02', 'wlan0', key),
          { heartbeat: { uptimeMs: 1000 } },
        ]);
      laptopId ||= me.deviceId;
    }
    await page.reload();
    const rows = page.locator('section.card', { hasText: 'HQ' }).locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    expect((await rows.allInnerTexts()).map((t) => t.split('\t').slice(0, 3).map((c) => c.trim()).join('|')).sort())
      .toEqual([expect.stringMatching(/^Wi-Fi access point \(joined\)\|hash:[0-9a-f]{12}\|2$/), expect.stringMatching(/^gateway\|hash:[0-9a-f]{12}\|2$/)]);
    await expect(page.getByText('2 laptop(s) there now; 2 saw its equipment.', { exact: false }).count()).resolves.toBe(1);
    await rows.filter({ hasText: 'gateway' }).getByRole('button', { name: 'Drop' }).click();
    await page.locator('.toast.ok', { hasText: 'Dropped gateway' }).waitFor();
    await rows.filter({ hasText: 'dropped by user:alice' }).waitFor();
    await browser.shot(page, 'sites-admin');
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  });

  it('IT reads the sites without the admin\'s controls; the device page says the laptop is at the HQ', async () => {
    const page = await login('carol', '/sites');
    await page.locator('section.card h2', { hasText: 'HQ' }).waitFor();
    expect(await page.locator('#site-name').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Drop' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Remove site' }).count()).toBe(0);
    await page.goto(`${collector.api}/devices/${laptopId}`);
    await page.getByText('at site HQ').first().waitFor();
    expect(await page.locator('dd', { hasText: 'at site HQ' }).innerText()).toBe('at site HQ a company place (its egress is no location)');
    await browser.shot(page, 'sites-device');
    expect(await cspViolations(page)).toEqual([]);
    expect(browser.problems).toEqual([]);
    expect(browser.dialogs).toEqual([]);
    await page.close();
  });
});
