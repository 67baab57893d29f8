// Offices and coworking spaces: the places with the most people, and none of them a farm. People
// come on their office days (hybrid: two to five weekdays) in working hours, their laptops asleep
// in the bag on the way, and work from home on the other days; nights and weekends they are at
// home or asleep. At the office everyone is behind one gateway and a few egress addresses of a
// business line, joins the access point by their desk and sees the ones around; some sit at a dock.
//   head office     the company's own site, registered by the admin (its egress ranges); dozens of
//                   laptops; corporate Wi-Fi keeps clients apart; IT's helpdesk staff sit here
//                   every weekday and drive colleagues' laptops with the sanctioned TeamViewer
//                   (a third of the office has it too, and now and then a technician connects);
//   helpdesk staff  the helpdesk's own laptops: TeamViewer, and mstsc and PuTTY to the servers;
//   branch office   an office nobody registered (a business address, not excluded): one on a
//                   business fiber line, a second on a cable line like a home's; a small office's
//                   Wi-Fi lets colleagues see each other;
//   coworking       a few of our laptops among many other companies' people, two to three days a
//                   week; some spaces keep clients apart, others show dozens of strangers' devices.
import { HEAD_OFFICE_CITY } from '../company.mjs';
import { stateAt } from '../routine.mjs';
import { hybridDays, personRoutine, workingMoment } from './habits.mjs';

/** IT's helpdesk technicians when there is no helpdesk staff in the plan (TeamViewer ids, as Connections_incoming.txt rows show them). */
export const TECHNICIANS = [{ id: '545021772', name: 'IT-Helpdesk-1' }, { id: '514162531', name: 'IT-Helpdesk-2' }];

/** A TeamViewer session of a technician on `laptop` at `atMs` (a row of its Connections_incoming.txt). */
export function technicianSession(laptop, tech, atMs, n) {
  return { ...tech, localUser: laptop.hostname.slice(3), guid: `${laptop.serial.toLowerCase()}-0000-4000-8000-${String(n).padStart(12, '0')}`, ...(atMs !== undefined ? { atMs } : {}) };
}

export function headOffice(ctx) {
  const { r, addresses: A } = ctx;
  const n = ctx.count('head office');
  const staff = ctx.count('helpdesk staff');
  ctx.technicians = TECHNICIANS;
  if (n + staff === 0) return [];
  const city = HEAD_OFFICE_CITY;
  const office = ctx.places.office('office', { name: 'CORP-WIFI', aps: 12, isolation: true, wiredShare: 0.4 });
  const egress = A.corporate.addresses.map((a) => a.ip);
  const out = [];
  const desk = (l) => {
    office.members.push(l.serial);
    l.places = { home: { ip: ctx.homeIp(city), place: ctx.places.home() }, office: { ip: r.pick(egress), place: office } };
    l.installed = {};
    out.push(l);
  };
  const technicians = [];
  for (let i = 0; i < staff; i++) {
    const l = ctx.laptop('helpdesk staff', city, ctx.streets.home(), { group: office.id });
    l.routine = personRoutine(r, l, { officeDays: [1, 2, 3, 4, 5], leavesOn: false });
    desk(l);
    l.installed = { teamviewer: [] };
    // The servers they look after: on the office network.
    l.dev = { mstsc: `10.20.0.${r.int(10, 40)}`, putty: `10.20.1.${r.int(10, 40)}` };
    technicians.push({ id: String(r.int(500_000_000, 599_999_999)), name: `IT-Helpdesk-${i + 1}` });
  }
  if (technicians.length > 0) ctx.technicians = technicians;
  for (let i = 0; i < n; i++) {
    const l = ctx.laptop('head office', city, ctx.streets.home(), { group: office.id });
    l.routine = personRoutine(r, l, { officeDays: hybridDays(r) });
    desk(l);
    if (r.chance(0.2)) l.dev = { putty: `10.20.1.${r.int(10, 40)}`, ...(r.chance(0.5) ? { mstsc: `10.20.0.${r.int(10, 40)}` } : {}) };
    if (r.chance(0.33)) {
      l.installed = { teamviewer: [] };
      const tech = r.pick(ctx.technicians);
      const at = ctx.helpdeskSessions ? workingMoment(ctx, l, stateAt, 'office') : undefined;
      l.tvSessions = at !== undefined ? [technicianSession(l, tech, at, 0)] : [];
    }
  }
  return out;
}

export function branchOffices(ctx) {
  const { r, addresses: A } = ctx;
  const n = ctx.count('branch office');
  if (n === 0) return [];
  const branches = n >= 12 ? [{ city: 'Chicago, Illinois, US', line: 'business' }, { city: 'Austin, Texas, US', line: 'cable' }] : [{ city: 'Chicago, Illinois, US', line: 'business' }];
  const out = [];
  branches.forEach((b, i) => {
    const size = i === branches.length - 1 ? n - out.length : Math.ceil(n / branches.length);
    const office = ctx.places.office('office', { name: `BRANCH-${i + 1}`, aps: r.int(2, 4), isolation: false, wiredShare: 0.2 });
    const egress = b.line === 'business' ? r.pick(A.business[b.city].offices) : ctx.homeIp(b.city);
    for (let j = 0; j < size; j++) {
      const l = ctx.laptop('branch office', b.city, ctx.streets.home(), { group: office.id });
      l.routine = personRoutine(r, l, { officeDays: hybridDays(r, 3) });
      office.members.push(l.serial);
      l.places = { home: { ip: ctx.homeIp(b.city), place: ctx.places.home() }, office: { ip: egress, place: office } };
      l.installed = {};
      out.push(l);
    }
  });
  return out;
}

export function coworking(ctx) {
  const { r, addresses: A } = ctx;
  const out = [];
  let left = ctx.count('coworking');
  for (let i = 0; left > 0; i++) {
    const k = Math.min(left, r.int(2, 4));
    left -= k;
    const city = r.pick(ctx.cities);
    const isolation = r.chance(0.5);
    const space = ctx.places.office('coworking', { name: `COWORK-MEMBERS-${i + 1}`, aps: 6, isolation, others: isolation ? 0 : r.int(25, 60) });
    const egress = r.chance(0.7) ? r.pick(A.business[city].offices) : ctx.homeIp(city);
    for (let j = 0; j < k; j++) {
      const l = ctx.laptop('coworking', city, ctx.streets.home(), { group: space.id });
      l.routine = personRoutine(r, l, { officeDays: hybridDays(r, 2).slice(0, 3) });
      space.members.push(l.serial);
      l.places = { home: { ip: ctx.homeIp(city), place: ctx.places.home() }, office: { ip: egress, place: space } };
      l.installed = {};
      out.push(l);
    }
  }
  return out;
}
