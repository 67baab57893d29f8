// Where the simulated fleet lives: the cities IT ships laptops to, the places laptops are
// re-shipped to abroad, and the networks whose addresses stand for homes, VPN exits and servers.
// addresses.json (made by make-addresses.mjs) holds the addresses themselves.

/** Ship-to cities ("City, Region, Country" as IT writes them; each is in the collector's city table). */
export const CITIES = [
  'New York, New York, US', 'Boston, Massachusetts, US', 'Philadelphia, Pennsylvania, US', 'Baltimore, Maryland, US',
  'Atlanta, Georgia, US', 'Miami, Florida, US', 'Chicago, Illinois, US', 'St. Louis, Missouri, US', 'Minneapolis, Minnesota, US', 'Detroit, Michigan, US',
  'Columbus, Ohio, US', 'Nashville, Tennessee, US', 'Dallas, Texas, US', 'Austin, Texas, US', 'Houston, Texas, US',
  'Denver, Colorado, US', 'Salt Lake City, Utah, US', 'Phoenix, Arizona, US', 'Las Vegas, Nevada, US', 'San Diego, California, US',
  'San Jose, California, US', 'Seattle, Washington, US', 'Spokane, Washington, US',
];

/**
 * Residential ISPs of US homes: Comcast, Charter, AT&T, Verizon, Cox (ASNs as the ASN database
 * records them).
 */
export const RESIDENTIAL_ASNS = [7922, 20115, 7018, 701, 22773];

/** Where laptops of the scheme are re-shipped (THREATS.md: usually China or Russia), on residential ISPs. */
export const ABROAD = [
  { city: "Dandong, Liaoning, CN", asns: [4837, 4134], radiusKm: 300 },
  { city: "Vladivostok, Primor'ye, RU", asns: [12389], radiusKm: 150 },
];

/** Hosting networks consumer VPNs rent their exits from (M247, Datacamp / CDN77). */
export const CONSUMER_VPN_ASNS = [9009, 60068];

/**
 * The networks Astrill rents its exits from (AS7393 CyberCon, AS36352 ColoCrossing / HostPapa: the
 * two known exits are in them). The collector knows only the published exits as Astrill; the rest
 * look like hosting, as they would in the field.
 */
export const ASTRILL_ASNS = [7393, 36352];

/**
 * Business internet lines (Lumen, CenturyLink, Zayo, Cogent): what offices and coworking spaces
 * buy. Not hosting, not a VPN: to the collector they are as "other" as a home line.
 */
export const BUSINESS_ASNS = [3356, 209, 6461, 174];

/**
 * Where remote-access tools' own servers (rendezvous, relays, TURN) live, per tool: Chrome Remote
 * Desktop relays through Google (AS15169); Splashtop's relays and ConnectWise's cloud ScreenConnect
 * instances run on AWS (AS16509); RustDesk's public rendezvous and relay servers run on rented
 * servers (a DigitalOcean address, AS14061, stands for them). To the collector each is hosting.
 */
export const RELAY_ASNS = { google: [15169], aws: [16509], rented: [14061] };

/** Servers developers reach with SSH, SFTP, RDP and VNC: their cloud machines (AWS, Azure). */
export const SERVER_ASNS = [16509, 8075];

/** Cloud servers an operator may connect from (Vultr, Alibaba Cloud). */
export const CLOUD_ASNS = [20473, 45102];

/** The company's own egress: the helpdesk connects from it; the admin excludes it from correlation. */
export const CORPORATE = { cidr: '12.0.0.0/24', reason: 'corporate egress (helpdesk)', addresses: ['12.0.0.1', '12.0.0.2', '12.0.0.3'] };

/** Great-circle distance in km. */
export function distanceKm(a, b) {
  const rad = (d) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}
