// The company the simulated fleet belongs to: its head office and what its admin sets up on the
// collector (the head office registered as a company site, TeamViewer sanctioned for the helpdesk).
import { readFileSync } from 'node:fs';

const addresses = JSON.parse(readFileSync(new URL('./addresses.json', import.meta.url), 'utf8'));

/** Where the head office is (its egress geolocates there): its staff live around it. */
export const HEAD_OFFICE_CITY = 'St. Louis, Missouri, US';

/** The company site the admin registers (the head office's egress), and what the collector is told is sanctioned. */
export const POLICY = {
  sanctioned: ['teamviewer'], corporate: addresses.corporate,
  site: { name: 'Head office (St. Louis)', egress: [addresses.corporate.cidr] },
};
