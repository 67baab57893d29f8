// Employees at home: remote workers who work a day and sleep at night, each in their own home
// (a residential line, their own router and Wi-Fi), some of whom leave their laptop on.
//   household   three employees under one roof (a family, flatmates): one router, one street line,
//               each other's laptops on the LAN; each works their own hours and sleeps;
//   couple      two employees at one home, sometimes each on the other's LAN;
//   developer   a developer at home with client-side tools: PuTTY and WinSCP to cloud machines,
//               mstsc to a Windows server, a VNC viewer, a WireGuard tunnel to the company's
//               development network on WireGuard's default port; some work late, some leave the
//               laptop on for builds;
//   traveller   at home, then at a hotel (sometimes with colleagues) on a consumer VPN, the clock
//               sometimes set to the trip's zone;
//   helpdesk    the sanctioned TeamViewer installed by IT, and a technician connecting now and then;
//   ordinary    nothing else.
import { mac } from '../facts.mjs';
import { stateAt } from '../routine.mjs';
import { personRoutine, workingMoment } from './habits.mjs';
import { technicianSession } from './offices.mjs';

const VPNS = ['nordvpn', 'protonvpn', 'expressvpn', 'surfshark'];

/** A person in their own home in `city`. */
function atHome(ctx, scenario, city, extra = {}) {
  const l = ctx.laptop(scenario, city, ctx.streets.home(), extra);
  l.routine = personRoutine(ctx.r, l);
  l.places = { home: { ip: ctx.homeIp(city), place: ctx.places.home() } };
  l.installed = {};
  return l;
}

/** People who live together: one home, one street line, each other's laptops on the LAN now and then. */
function together(ctx, scenario, size, seeEachOther) {
  const { r } = ctx;
  const city = r.pick(ctx.cities);
  const home = ctx.places.home();
  const ip = ctx.homeIp(city);
  const street = ctx.streets.home();
  const members = Array.from({ length: size }, () => ctx.laptop(scenario, city, street, { group: home.id }));
  members.forEach((l, i) => {
    // Each keeps their own hours: an early riser, a late one.
    l.routine = personRoutine(r, l, { late: i === 2 && r.chance(0.5) });
    const others = r.chance(seeEachOther) ? members.filter((m) => m !== l).map((m) => mac(`own:${m.serial}`)) : [];
    l.places = { home: { ip, place: { ...home, neighbours: [...home.neighbours, ...others] } } };
    l.installed = {};
  });
  return members;
}

export function households(ctx) {
  const out = [];
  for (let i = 0; i < Math.floor(ctx.count('household') / 3); i++) out.push(...together(ctx, 'household', 3, 0.7));
  return out;
}

export function couples(ctx) {
  const out = [];
  for (let i = 0; i < Math.floor(ctx.count('couple') / 2); i++) out.push(...together(ctx, 'couple', 2, 0.3));
  return out;
}

export function developers(ctx) {
  const { r, addresses: A } = ctx;
  const out = [];
  const aws = A.servers.filter((s) => /Amazon/.test(s.org));
  const azure = A.servers.filter((s) => /Microsoft/.test(s.org));
  for (let i = 0; i < ctx.count('developer'); i++) {
    const l = atHome(ctx, 'developer', r.pick(ctx.cities));
    l.routine = personRoutine(r, l, { late: r.chance(0.3), leavesOn: r.chance(0.3) });
    const box = r.pick(aws.length > 0 ? aws : A.servers).ip;
    const tunnel = r.chance(0.6);
    // A lab machine on the development network (through the tunnel), or a cloud machine.
    const vnc = tunnel && r.chance(0.5) ? { viewer: 'tvnviewer.exe', server: `10.60.3.${r.int(10, 60)}` } : { viewer: 'vncviewer.exe', server: r.pick(A.servers).ip };
    l.dev = {
      ...(r.chance(0.7) ? { putty: box } : {}), ...(r.chance(0.4) ? { winscp: box } : {}),
      ...(r.chance(0.4) ? { mstsc: r.pick(azure.length > 0 ? azure : A.servers).ip } : {}), ...(r.chance(0.3) ? { vnc } : {}),
      ...(tunnel ? { wireguard: { octet: r.int(2, 250) } } : {}),
    };
    out.push(l);
  }
  return out;
}

export function travellers(ctx) {
  const { r, addresses: A } = ctx;
  const out = [];
  const n = ctx.count('traveller');
  for (let i = 0; i < n;) {
    const size = Math.min(n - i, r.chance(0.5) ? r.int(2, 3) : 1);
    const hotel = ctx.places.hotel();
    for (let j = 0; j < size; j++, i++) {
      const l = atHome(ctx, 'traveller', r.pick(ctx.cities), { group: size > 1 ? hotel.id : null });
      l.places.hotel = { ip: r.pick(A.consumerVpn).ip, place: hotel };
      l.later = { at: 'hotel', extras: { vpn: r.pick(VPNS), ...(r.chance(0.3) ? { timeZone: 'Europe/London' } : {}) } };
      out.push(l);
    }
  }
  return out;
}

export function helpdeskAtHome(ctx) {
  const { r } = ctx;
  const out = [];
  for (let i = 0; i < ctx.count('helpdesk'); i++) {
    const l = atHome(ctx, 'helpdesk', r.pick(ctx.cities));
    l.installed = { teamviewer: [] };
    const tech = r.pick(ctx.technicians);
    const past = r.chance(0.5) && ctx.helpdeskSessions ? workingMoment(ctx, l, stateAt) : undefined;
    l.tvSessions = past !== undefined ? [technicianSession(l, tech, past, 0)] : [];
    if (ctx.helpdeskSessions) l.later = { tvSession: technicianSession(l, r.pick(ctx.technicians), ctx.endMs + 60_000, 1) };
    out.push(l);
  }
  return out;
}

export function ordinary(ctx, n) {
  return Array.from({ length: Math.max(0, n) }, () => atHome(ctx, 'ordinary', ctx.r.pick(ctx.cities)));
}
