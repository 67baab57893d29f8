// The web console end to end, in headless Chromium against a real collector fed by real agent
// clients over mutual TLS: an analyst logs in (after a wrong password), watches a farm of four
// laptops behind one home, driven over AnyDesk from an Astrill exit, appear in the queue live, opens
// its cluster graph, clicks a link to see its evidence, acknowledges the alert with a note and sees
// the audit trail; a laptop named like an HTML injection shows as text; bulk acknowledge; the
// device page; the fleet overview; IT registers laptops; the roles are enforced page by page.
// Screenshots of every page go to test-results/console/ (looked at by a person, not compared).
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ObservationKind, StopReason } from '@farmwatch/proto';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from '../helpers/processes.js';
import { makePki, type Pki } from '../helpers/pki.js';
import type { EnrolledLaptop } from '../helpers/enroll.js';
import { cspViolations, launch, type Browser } from './helpers/browser.js';
import { finding, health, observation, report } from './helpers/laptops.js';

const FARM_HOME = '73.162.10.1';        // Comcast, Fairfield CA (the GeoIP / ASN databases)
const ASTRILL_EXIT = '142.214.202.2';   // Astrill VPN node, AS7393 CyberCon (reference/vpn-clients.json)
const HOSTILE_HOST = '<img src=x onerror=alert(1)>';
const HOSTILE_VALUE = '"><script>alert(2)</script>';
const PASSWORDS = { alice: 'amber falcon orchard 42', bob: 'copper lantern meadow 17', carol: 'silver harbor willow 88' };

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
let browser: Browser;
let page: Page;
const farm: EnrolledLaptop[] = [];
let hostile: EnrolledLaptop;

const people: [string, string, string][] = [
  ['Avery Brooks', 'Austin, Texas, US', 'America/Chicago'],
  ['Jordan Ellis', 'Seattle, Washington, US', 'America/Los_Angeles'],
  ['Riley Chen', 'Miami, Florida, US', 'America/New_York'],
  ['Morgan Patel', 'Chicago, Illinois, US', 'America/Chicago'],
];

async function reportFarmLaptop(i: number): Promise<EnrolledLaptop> {
  const [name, shipTo, tz] = people[i] as [string, string, string];
  const email = name.toLowerCase().replace(' ', '.');
  return report(collector.address, db, pki.ca, { serial: `FARM-${i}`, assignee: `${name} <${email}@example.com>`, shipTo, timeZone: tz, hostname: `LT-${email}` }, FARM_HOME, (key) => [
    finding('anydesk', 'AnyDesk is running', [{ field: 'process.name', value: 'AnyDesk.exe' }]),
    observation(ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, ASTRILL_EXIT, 'anydesk'),
    observation(ObservationKind.OBSERVATION_KIND_REMOTE_PEER_ID, '482913771', 'anydesk', key),
    observation(ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, 'a0:40:a0:5b:12:9c', 'eth0', key),
    observation(ObservationKind.OBSERVATION_KIND_INPUT_LANGUAGE, 'en', 'keyboard'),
    observation(ObservationKind.OBSERVATION_KIND_INPUT_LANGUAGE, 'ko', 'keyboard'),
    health(i),
    { heartbeat: { uptimeMs: 1000, spoolDepth: i, input: { idleS: 30 } } },
  ]);
}

async function login(p: Page, name: keyof typeof PASSWORDS, path = '/'): Promise<void> {
  await p.goto(`${collector.api}${path}`);
  await p.waitForURL(/\/login/);
  await p.fill('#login-name', name);
  await p.fill('#login-password', PASSWORDS[name]);
  await p.click('.login-form button[type=submit]');
  await p.waitForURL((u) => !u.pathname.startsWith('/login'));
}

const text = (p: Page, selector: string): Promise<string> => p.locator(selector).first().innerText();

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-console-'));
  db = join(work, 'collector.db');
  collector = await startCollector(db, pki.dir, ['--trusted-proxy', '127.0.0.1/32', '--proxy-protocol', 'optional']);
  for (const [name, role] of [['alice', 'admin'], ['bob', 'analyst'], ['carol', 'it']] as const) {
    const file = join(work, `${name}.pw`);
    writeFileSync(file, `${PASSWORDS[name]}\n`, { mode: 0o600 });
    const r = await run(COLLECTOR_CLI, ['users', 'create', '--name', name, '--role', role, '--password-file', file, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
  }
  browser = await launch();
  page = await browser.newPage();
}, 120_000);

// A failed step leaves a picture of the page it failed on.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    for (const p of browser.context.pages()) await browser.shot(p, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}-${browser.context.pages().indexOf(p)}`).catch(() => undefined);
  }
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

describe('the console for an analyst', () => {
  it('refuses a wrong password, saying so, then logs in and opens the page asked for', async () => {
    await page.goto(`${collector.api}/alerts`);
    await page.waitForURL(/\/login\?next=%2Falerts/);
    await browser.shot(page, '01-login');
    await page.fill('#login-name', 'bob');
    await page.fill('#login-password', 'not the password');
    await page.click('.login-form button[type=submit]');
    await page.locator('.notice.error').waitFor();
    expect(await text(page, '.notice.error')).toBe('wrong user name or password');
    expect(new URL(page.url()).pathname).toBe('/login');
    await browser.shot(page, '02-login-refused');
    await page.fill('#login-password', PASSWORDS.bob);
    await page.click('.login-form button[type=submit]');
    await page.waitForURL(/\/alerts$/);
    await page.locator('.page-header h1', { hasText: 'Case queue' }).waitFor();
    expect(await text(page, '.who .user')).toBe('bob analyst');
    // The session cookie is out of the page's reach and not sent to other sites.
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'fw_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate<unknown>('document.cookie')).toBe('');
  });

  it('shows a farm alert live, as the four laptops report, without reloading the page', async () => {
    await page.locator('.live.up').waitFor({ timeout: 10_000 });
    await page.evaluate('window.__stillHere = true');
    for (let i = 0; i < people.length; i++) farm.push(await reportFarmLaptop(i));
    const row = page.locator('tr[data-alert]', { hasText: /4 laptops of 4 people co-located/ });
    await row.waitFor({ timeout: 15_000 });
    expect(await page.evaluate<unknown>('window.__stillHere')).toBe(true);
    expect(await row.locator('.badge.sev-critical').count()).toBe(1);
    expect(await row.getAttribute('class')).toContain('fresh');
    // Each farm laptop's case came in too, one row per laptop, its AnyDesk finding in its title.
    await page.locator('tr[data-alert]', { hasText: 'AnyDesk is running' }).first().waitFor();
    await browser.shot(page, '03-queue-live');
  });

  it("explains the farm alert signal by signal, and opens its cluster graph; a link's click shows its evidence", async () => {
    await page.locator('tr[data-alert]', { hasText: /4 laptops of 4 people/ }).locator('td.wide a').click();
    await page.waitForURL(/\/alerts\/\d+$/);
    await page.locator('.signals').waitFor();
    const signals = await page.locator('.signal .signal-head').allInnerTexts();
    expect(signals.join('\n')).toMatch(/\+40\s+\d+ link\(s\) by shared remote peer id/);
    expect(signals.join('\n')).toMatch(/\+15\s+The shared remote-access peer is a VPN \/ hosting address/);
    expect(await page.locator('.evidence li', { hasText: /142\.214\.202\.2: Astrill VPN \(AS7393 CYBERCON, INC\.\)/ }).count()).toBe(1);
    expect(await page.locator('.card', { hasText: 'Laptops in the cluster' }).locator('tbody tr').count()).toBe(4);
    await browser.shot(page, '04-alert-farm');

    await page.click('a.button:has-text("Open the cluster graph")');
    await page.waitForURL(/\/clusters\//);
    await page.locator('#cluster-graph canvas').first().waitFor();
    await page.waitForFunction('document.getElementById("cluster-graph")?.cy?.edges().length > 0');
    expect(await page.evaluate<number>('document.getElementById("cluster-graph").cy.nodes("[type = \\"laptop\\"]").length')).toBe(4);
    expect(await page.evaluate<number>('document.getElementById("cluster-graph").cy.nodes("[type = \\"observation\\"]").length')).toBe(4);
    // Where Cytoscape drew the link from the first laptop to the Astrill peer address: click there.
    // A point a quarter of the way from the laptop, where no other line crosses it.
    const at = await page.evaluate<{ x: number; y: number; source: string }>(`(() => {
      const box = document.getElementById('cluster-graph');
      const edge = box.cy.edges('[kind = "remote_peer_ip"]')[0];
      const r = box.getBoundingClientRect();
      const s = edge.renderedSourceEndpoint();
      const t = edge.renderedTargetEndpoint();
      return { x: r.left + s.x + 0.25 * (t.x - s.x), y: r.top + s.y + 0.25 * (t.y - s.y), source: edge.source().data('label') };
    })()`);
    await page.mouse.click(at.x, at.y);
    const panel = page.locator('#evidence');
    await panel.locator('.evidence-title', { hasText: 'Remote-access peer IP' }).waitFor();
    const evidence = await panel.innerText();
    expect(evidence).toContain(ASTRILL_EXIT);
    expect(evidence).toContain(at.source);
    expect(evidence).toMatch(/vpn: Astrill VPN/);
    expect(evidence).toMatch(/Observed via\s+anydesk/);
    expect(evidence).toMatch(/\+30 to the cluster score/);
    expect(evidence.match(/LT-[a-z.]+ — LT-[a-z.]+:/g)).toHaveLength(3);
    // The map: four ship-to cities, one shared home far from each, one operator on Astrill.
    const map = page.locator('.card', { hasText: 'Where they were shipped, where they are, who drives them' }).locator('svg.world-map');
    const shipped = await Promise.all((await map.locator('[data-kind="ship-to"] title').all()).map((t) => t.textContent()));
    expect(shipped.map((t) => /shipped to (.*)$/.exec(t ?? '')?.[1]).sort()).toEqual(people.map(([, city]) => city).sort());
    expect(await map.locator(`[data-kind="seen"][data-ip="${FARM_HOME}"] title`).textContent()).toBe(`${FARM_HOME}: Fairfield, California, US, home address of 4 of these laptops`);
    expect(await map.locator(`[data-kind="seen"][data-ip="${FARM_HOME}"]`).getAttribute('class')).toContain('map-far');
    expect(await map.locator(`[data-kind="peer"][data-ip="${ASTRILL_EXIT}"] title`).textContent()).toMatch(/\(vpn: Astrill VPN\), drives 4 of these laptops$/);
    expect(await map.locator('line.map-line.map-far').count()).toBe(4);
    await browser.shot(page, '05-cluster-graph-evidence');
  });

  it('acknowledges the alert with a note, and shows it in the audit trail', async () => {
    await page.click('.page-header a.button:has-text("Alert #")');
    await page.waitForURL(/\/alerts\/\d+$/);
    await page.locator('#action-note').fill('Four new hires, one house in Fairfield: calling HR');
    await page.click('button[data-action="ack"]');
    await page.locator('.page-header .badge.status-acknowledged').waitFor();
    const trail = page.locator('.card', { hasText: 'Audit trail' }).locator('tbody tr').first();
    expect(await trail.innerText()).toMatch(/user:bob\s+alert\.ack\s+open -> acknowledged: Four new hires, one house in Fairfield: calling HR/);
    expect(await page.locator('.notes li').first().innerText()).toMatch(/^user:bob · .*\n+Four new hires/);
    expect(await page.locator('button[data-action="ack"]').isDisabled()).toBe(true);
    await browser.shot(page, '06-alert-acknowledged');
  });

  it("shows a laptop: ship-to against where it is seen, the agent's health, sensors and timeline", async () => {
    await page.goto(`${collector.api}/devices/${farm[0]?.deviceId ?? ''}`);
    await page.locator('.card', { hasText: 'Agent health' }).waitFor();
    const body = await page.locator('#main').innerText();
    expect(body).toContain('Avery Brooks <avery.brooks@example.com>');
    expect(await text(page, '.card:has(h2:text("Assigned to"))')).toMatch(/Keyboards type\s+en, ko/);
    const observed = page.locator('.card', { hasText: 'Ship-to against observed locations' });
    const home = await observed.locator('tbody tr', { hasText: FARM_HOME }).first().innerText();
    expect(home).toMatch(/Fairfield, California, US/);
    expect(Number(/([\d,]+) km/.exec(home)?.[1]?.replace(',', ''))).toBeGreaterThan(2000);
    expect(home).toContain('far');
    expect(await observed.locator('tbody tr', { hasText: ASTRILL_EXIT }).innerText()).toMatch(/vpn: Astrill VPN/);
    // The map: the ship-to in Austin, the laptop seen in Fairfield CA (far, and west of it), the
    // AnyDesk peer on Astrill's network; each marker says what it is.
    const map = observed.locator('svg.world-map');
    const ship = map.locator('[data-kind="ship-to"]');
    const seen = map.locator(`[data-kind="seen"][data-ip="${FARM_HOME}"]`);
    const peer = map.locator(`[data-kind="peer"][data-ip="${ASTRILL_EXIT}"]`);
    expect(await ship.locator('title').textContent()).toBe('Shipped to Austin, Texas, US');
    expect(await seen.locator('title').textContent()).toMatch(/^Laptop seen from 73\.162\.10\.1: Fairfield, California, US, [\d,]+ km from ship-to$/);
    expect(await seen.getAttribute('class')).toContain('map-far');
    expect(await peer.locator('title').textContent()).toMatch(/^Remote-access session from 142\.214\.202\.2: .* \(vpn: Astrill VPN\)$/);
    const [shipBox, seenBox, mapBox] = await Promise.all([ship.boundingBox(), seen.boundingBox(), map.boundingBox()]);
    expect(seenBox!.x).toBeLessThan(shipBox!.x);
    expect(seenBox!.y).toBeLessThan(shipBox!.y); // Fairfield (38°N) lies north of Austin (30°N)
    for (const b of [shipBox!, seenBox!]) {
      expect(b.x).toBeGreaterThanOrEqual(mapBox!.x);
      expect(b.x + b.width).toBeLessThanOrEqual(mapBox!.x + mapBox!.width);
    }
    expect(await map.locator('line.map-line.map-far').count()).toBe(1);
    // Hours on, in the assigned zone (Chicago): 14 days of 24 hours; the laptop reported this hour.
    const grid = page.locator('.card', { hasText: 'Hours on, in America/Chicago (last 14 days)' }).locator('svg.hours-grid');
    expect(await grid.locator('rect.hour').count()).toBe(14 * 24);
    const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    const key = (ms: number): string => {
      const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
      return `${p.year ?? ''}-${p.month ?? ''}-${p.day ?? ''} ${Number(p.hour)}`;
    };
    // The laptops reported seconds ago: this hour in Chicago, or the one before if the test straddles the top of an hour.
    const onCells = await Promise.all((await grid.locator('rect.hour-on').all())
      .map(async (c) => `${await c.getAttribute('data-day') ?? ''} ${await c.getAttribute('data-hour') ?? ''}`));
    expect(onCells.length).toBeGreaterThanOrEqual(1);
    for (const cell of onCells) expect([key(Date.now()), key(Date.now() - 3_600_000)]).toContain(cell);
    // Its heartbeat said someone typed 30 s before: that hour is in use.
    expect(await grid.locator('rect.hour-active').count()).toBeGreaterThanOrEqual(1);
    expect(await grid.locator('rect.hour-active title').first().textContent()).toMatch(/America\/Chicago: in use \(keyboard or mouse\)$/);
    expect(await grid.locator('rect.hour-on title').first().textContent()).toMatch(/^\w{3} \d+ \w{3} \d{2}:00–\d{2}:00 America\/Chicago: (on|in use \(keyboard or mouse\))$/);
    expect(await text(page, '.card:has(h2:text("Agent health"))')).toMatch(/Status\s+reporting/);
    // The agent's CPU with the span it covers: not a bare percentage an analyst reads as a steady load.
    expect(await text(page, '.card:has(h2:text("Agent health"))')).toMatch(/Agent CPU\s+0\.4% of a core over 60 s, measured \d+s ago/);
    expect(await text(page, '.card:has(h2:text("Sensors"))')).toMatch(/wifi\s+unavailable\s+no wireless interface/);
    const timeline = await page.locator('.timeline').innerText();
    expect(timeline).toContain('AnyDesk is running');
    expect(timeline).toContain('process.name = AnyDesk.exe');
    expect(timeline).toMatch(/New public IP\n73\.162\.10\.1/);
    expect(timeline).toMatch(/Registered by cli:/);
    await browser.shot(page, '07-device');
  });

  it('shows a laptop named like HTML injection, and hostile evidence, as text', async () => {
    hostile = await report(collector.address, db, pki.ca, {
      serial: 'EVIL-0', assignee: '<b>Eve</b> <eve@example.com>', shipTo: 'Denver, Colorado, US', timeZone: 'America/Denver', hostname: HOSTILE_HOST,
    }, '24.5.1.1', () => [finding('rustdesk', 'RustDesk is running', [{ field: 'process.cmdline', value: HOSTILE_VALUE }]), { stopped: { reason: StopReason.STOP_REASON_USER } }]);
    await page.goto(`${collector.api}/alerts?q=rustdesk`);
    const row = page.locator('tr[data-alert]', { hasText: 'RustDesk is running' });
    await row.waitFor();
    expect(await row.locator('td').nth(4).innerText()).toBe(HOSTILE_HOST);
    // The laptop's case lists its finding with what the agent matched, as text.
    await row.locator('td.wide a').click();
    const found = page.locator('.card', { hasText: 'Findings (1)' });
    await found.waitFor();
    expect(await found.innerText()).toContain(`process.cmdline = ${HOSTILE_VALUE}`);
    expect(await found.locator('img, script, b').count()).toBe(0);
    await browser.shot(page, '08-hostile-laptop-case');
    await page.goto(`${collector.api}/devices/${hostile.deviceId}`);
    await page.locator('.timeline').waitFor();
    expect(await text(page, '.page-header h1')).toContain(HOSTILE_HOST);
    expect(await page.locator('#main').innerText()).toContain('<b>Eve</b> <eve@example.com>');
    expect(await page.locator('.timeline').innerText()).toContain(`process.cmdline = ${HOSTILE_VALUE}`);
    expect(await text(page, '.card:has(h2:text("Agent health"))')).toMatch(/Status\s+stopped \(user,/);
    // Nothing of it became markup: no image, no script, no bold, no dialog.
    expect(await page.locator('#main img, #main script, #main b').count()).toBe(0);
    expect(browser.dialogs).toEqual([]);
    await browser.shot(page, '08-hostile-laptop');
  });

  it('acknowledges several alerts at once with one note', async () => {
    await page.goto(`${collector.api}/alerts?q=anydesk`);
    const rows = page.locator('tr[data-alert]', { hasText: 'AnyDesk is running' });
    await rows.first().waitFor();
    expect(await rows.count()).toBe(4);
    for (let i = 0; i < 3; i++) await rows.nth(i).locator('input[type=checkbox]').check();
    await page.fill('#bulk-note', 'triaged with the farm case');
    await page.click('#bulk-ack');
    await page.locator('.toast', { hasText: '3 alert(s) acknowledged' }).waitFor();
    await page.locator('tr[data-alert] .badge.status-acknowledged').nth(2).waitFor();
    expect(await page.locator('tr[data-alert]', { hasText: 'AnyDesk is running' }).locator('.badge.status-acknowledged').count()).toBe(3);
    await browser.shot(page, '09-bulk-acknowledged');
  });

  it('shows the fleet: open alerts by severity, the trend, agents reporting and stopped', async () => {
    await page.goto(`${collector.api}/fleet`);
    await page.locator('.tiles').waitFor();
    expect(Number(await text(page, '.sev-tile-critical .tile-n'))).toBeGreaterThanOrEqual(1);
    expect(Number(await text(page, '.tile-farm .tile-n'))).toBe(1);
    expect(await page.locator('svg.chart rect').count()).toBeGreaterThan(0);
    const agents = await page.locator('.agent-counts').innerText();
    expect(agents).toMatch(/reporting\s+4/);
    expect(agents).toMatch(/stopped\s+1/);
    await browser.shot(page, '10-fleet');
  });

  it('refuses an analyst the admin and IT pages, on the server', async () => {
    const admin = await page.goto(`${collector.api}/admin`);
    expect(admin?.status()).toBe(403);
    expect(await text(page, 'main')).toMatch(/The page \/admin needs the role admin\.\s+You are logged in as bob, with the role analyst\./);
    await browser.shot(page, '11-analyst-refused-admin');
    const it = await page.goto(`${collector.api}/it`);
    expect(it?.status()).toBe(403);
    const users = await page.evaluate<number>("fetch('/v1/users').then((r) => r.status)");
    expect(users).toBe(403);
  });

  it('runs under its Content-Security-Policy with no violation and no error', async () => {
    const res = await page.goto(`${collector.api}/clusters`);
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("require-trusted-types-for 'script'");
    await page.locator('tbody tr').first().waitFor();
    await page.locator('tbody tr a').first().click();
    await page.locator('#cluster-graph canvas').first().waitFor();
    expect(await cspViolations(page)).toEqual([]);
    expect(browser.problems).toEqual([]);
  });
});

describe('the layout', () => {
  it('fits the window without scrolling sideways, on a wide screen and a small laptop', async () => {
    const cluster = farm[0]?.deviceId ?? '';
    const alertId = (await page.goto(`${collector.api}/alerts`), await page.locator('tr[data-alert]').first().getAttribute('data-alert'));
    const pages = ['/fleet', '/alerts', `/alerts/${alertId ?? ''}`, `/clusters/${cluster}`, `/devices/${cluster}`, `/devices/${hostile.deviceId}`, '/devices'];
    for (const width of [1400, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      for (const path of pages) {
        await page.goto(`${collector.api}${path}`);
        await page.locator('.page-header h1').waitFor();
        await page.waitForLoadState('networkidle');
        const sideways = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        expect(sideways, `${path} at ${width} px`).toBeLessThanOrEqual(0);
        // Nor do the tables scroll inside their frames.
        const tables = await page.evaluate<number[]>('[...document.querySelectorAll("#main .table-wrap")].map((t) => t.scrollWidth - t.clientWidth)');
        expect(tables.filter((d) => d > 0), `${path} at ${width} px`).toEqual([]);
      }
    }
    await page.goto(`${collector.api}/alerts`);
    await page.locator('tr[data-alert]').first().waitFor();
    await browser.shot(page, '14-queue-1024px');
    await page.goto(`${collector.api}/devices/${cluster}`);
    await page.locator('.timeline').waitFor();
    await browser.shot(page, '15-device-1024px');
    await page.setViewportSize({ width: 1400, height: 900 });
  }, 60_000);
});

describe('the console for IT and admins', () => {
  it('lets IT register a laptop, issue a token and import a CSV, and refuses IT the alert queue', async () => {
    await page.click('.who button:has-text("Log out")');
    await page.waitForURL(/\/login/);
    const it = await browser.newPage();
    await login(it, 'carol');
    await it.waitForURL(/\/it$/);
    await it.fill('#reg-serial', 'NEW-0');
    await it.fill('#reg-assignee', 'Dana Wu <dana.wu@example.com>');
    await it.fill('#reg-ship-to', 'Boston, Massachusetts, US');
    await it.fill('#reg-street', '77 Beacon Street');
    await it.fill('#reg-unit', 'Apt 4');
    await it.fill('#reg-timezone', 'America/New_York');
    const posted = it.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/v1/devices');
    await it.click('#reg-submit');
    // The street line goes to the collector with the rest (which keeps only its keyed hash).
    expect((await posted).postDataJSON()).toEqual({ serial: 'NEW-0', assignee: 'Dana Wu <dana.wu@example.com>', shipTo: 'Boston, Massachusetts, US', street: '77 Beacon Street', unit: 'Apt 4', timeZone: 'America/New_York' });
    await it.locator('.notice.ok pre.token').waitFor();
    expect(await text(it, '.notice.ok pre.token')).toMatch(/^fwe_[\w-]{32}$/);
    await it.fill('#tok-device', 'FARM-1');
    await it.click('#tok-submit');
    await it.locator('.notice.ok', { hasText: farm[1]?.deviceId ?? '?' }).waitFor();
    // A second token for the laptop just registered: its first (unused) one stops working.
    await it.fill('#tok-device', 'NEW-0');
    await it.click('#tok-submit');
    await it.locator('.notice.ok', { hasText: "The laptop's 1 earlier unused token(s) no longer work: use this one." }).waitFor();
    await it.locator('.card', { hasText: 'Enrollment tokens' }).locator('tbody tr', { hasText: 'NEW-0' }).nth(1).waitFor();
    expect(await it.locator('.card', { hasText: 'Enrollment tokens' }).locator('tbody tr', { hasText: 'NEW-0' }).allInnerTexts())
      .toEqual([expect.stringMatching(/\svalid$/), expect.stringMatching(/\srevoked$/)]);
    // Where the CA certificate every laptop enrolls with comes from: a download, the PEM IT hands to MDM.
    expect(await text(it, '.card:has(#ca-download)')).toMatch(/--ca ca\.pem.*It is public; the CA's key never leaves the collector\..*Download ca\.pem \(on the collector it is ca\.pem in its --tls-dir, var\/certs\/ with npm start\)/s);
    expect(await it.locator('#ca-download').getAttribute('href')).toBe('/v1/enrollment/ca.pem');
    const pem = await it.evaluate<string>("fetch('/v1/enrollment/ca.pem').then((r) => r.text())");
    expect(new X509Certificate(pem).raw.equals(new X509Certificate(pki.ca).raw)).toBe(true);
    const csv = join(work, 'hr-export.csv');
    writeFileSync(csv, 'Serial Number,Employee,Work Email,City,State,Country,Time Zone\nHR-1,Sam Ortiz,sam.ortiz@example.com,Denver,Colorado,US,America/Denver\nHR-2,Lee Park,lee.park@example.com,Portland,Oregon,US,America/Los_Angeles\n');
    await it.setInputFiles('#csv-file', csv);
    await it.click('#csv-submit');
    await it.locator('.notice.ok', { hasText: '2 laptop(s) registered.' }).waitFor();
    expect(await it.locator('code.token').count()).toBe(2);
    await browser.shot(it, '12-it');
    const refused = await it.goto(`${collector.api}/alerts`);
    expect(refused?.status()).toBe(403);
    await it.goto(`${collector.api}/it`);
    await it.click('.who button:has-text("Log out")');
    await it.waitForURL(/\/login/);
    await it.close();
  });

  it('shows admins the people, API tokens and the audit log', async () => {
    const admin = await browser.newPage();
    await login(admin, 'alice');
    await admin.waitForURL(/\/fleet$/);
    await admin.goto(`${collector.api}/admin`);
    await admin.locator('.card', { hasText: 'Audit log' }).locator('tbody tr').first().waitFor();
    const audit = await admin.locator('.card', { hasText: 'Audit log' }).innerText();
    expect(audit).toMatch(/user:carol\s+device\.import/);
    expect(audit).toMatch(/user:bob\s+alert\.ack/);
    expect(await admin.locator('.card', { hasText: 'People who log in' }).locator('tbody tr').count()).toBe(3);
    await browser.shot(admin, '13-admin');
    expect(await cspViolations(admin)).toEqual([]);
    expect(browser.problems).toEqual([]);
    await admin.close();
  });
});
