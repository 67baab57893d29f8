// Offline enrichment against the real databases shipped by npm packages: DB-IP city (mmdb, read
// with the maxmind reader), ASN ranges, and the hosting / VPN classification kept as data.
import { describe, expect, it } from 'vitest';
import { AsnDb, Enricher, GeoIp, NetworkClassifier, isPublicIp, loadNetworks, parseCidr, inCidr } from '../src/index.js';

const enricher = new Enricher();

describe('GeoIP and ASN', () => {
  it('places a Comcast home address and names its network', () => {
    const info = enricher.lookup('73.162.10.1');
    expect(info).toMatchObject({ public: true, asn: 7922, org: 'Comcast Cable Communications, LLC', network: { kind: 'other' } });
    expect(info.geo).toMatchObject({ countryCode: 'US', region: 'California', city: 'Fairfield' });
    expect(info.geo?.lat).toBeCloseTo(38.25, 1);
  });

  it('reads IPv6 too, and IPv4-mapped addresses as IPv4', () => {
    expect(enricher.lookup('2601:646:8a00::1')).toMatchObject({ asn: 7922, geo: { countryCode: 'US' } });
    expect(enricher.lookup('::ffff:73.162.10.1').ip).toBe('73.162.10.1');
  });

  it('says nothing about private, loopback and CGNAT addresses', () => {
    for (const ip of ['10.1.2.3', '192.168.1.20', '127.0.0.1', '100.64.3.2', 'fe80::1', '::1', '172.16.5.4']) {
      expect(isPublicIp(ip)).toBe(false);
      expect(enricher.lookup(ip)).toMatchObject({ public: false });
      expect(enricher.lookup(ip).geo).toBeUndefined();
    }
  });

  it('finds nothing where the databases have nothing', () => {
    expect(new GeoIp().lookup('not an ip')).toBeUndefined();
    expect(new AsnDb().lookup('0.0.0.1')).toBeUndefined();
  });
});

describe('hosting and VPN networks', () => {
  it('classifies the Astrill exits of the LevelBlue report as Astrill, highest priority', () => {
    for (const ip of ['142.214.202.2', '155.94.199.59']) {
      expect(enricher.lookup(ip).network).toEqual({ kind: 'vpn', provider: 'astrill', name: 'Astrill VPN', priority: 'highest' });
    }
  });

  it('classifies datacenter autonomous systems as hosting', () => {
    // 159.89.0.0/16 is DigitalOcean, 5.9.0.0/16 Hetzner (per the ASN database).
    expect(enricher.lookup('159.89.10.10')).toMatchObject({ asn: 14061, network: { kind: 'hosting', provider: 'DigitalOcean' } });
    expect(enricher.lookup('5.9.10.10')).toMatchObject({ asn: 24940, network: { kind: 'hosting' } });
  });

  it('keeps its data honest: every hosting ASN has the organisation name the ASN database shows', () => {
    const data = loadNetworks();
    const db = new AsnDb();
    for (const h of data.hosting) expect(`AS${h.asn} ${db.organisation(h.asn) ?? '(not in the database)'}`).toBe(`AS${h.asn} ${h.org}`);
    // The Astrill exits sit in hosting networks that the list names.
    for (const v of data.vpn.flatMap((x) => x.addresses)) {
      const asn = db.lookup(v.replace(/\/\d+$/, ''))?.asn;
      expect(data.hosting.map((h) => h.asn)).toContain(asn);
    }
    const classifier = new NetworkClassifier(data);
    expect(new Set(data.hosting.map((h) => h.asn)).size).toBe(data.hosting.length);
    for (const h of data.hosting) expect(classifier.classify('203.0.113.1', h.asn).kind).toBe('hosting');
    for (const v of data.vpn) expect(v.sources.length).toBeGreaterThan(0);
    // Every exit's network names the provider that rents it, and only listed providers are named.
    for (const v of data.vpn) {
      for (const a of v.addresses) {
        const asn = db.lookup(a.replace(/\/\d+$/, ''))?.asn;
        expect(data.hosting.find((h) => h.asn === asn)?.rentedBy, `${a} (${v.id})`).toContain(v.id);
      }
    }
    for (const h of data.hosting) for (const id of h.rentedBy ?? []) expect(data.vpn.map((v) => v.id)).toContain(id);
  });
});

describe('CIDR ranges', () => {
  it('matches IPv4 and IPv6 ranges and refuses what is not one', () => {
    expect(inCidr('12.0.0.77', parseCidr('12.0.0.0/24'))).toBe(true);
    expect(inCidr('12.0.1.77', parseCidr('12.0.0.0/24'))).toBe(false);
    expect(inCidr('2001:db8:1::5', parseCidr('2001:db8::/32'))).toBe(true);
    expect(inCidr('12.0.0.77', parseCidr('2001:db8::/32'))).toBe(false);
    expect(() => parseCidr('12.0.0.0/33')).toThrow(/prefix length must be 0..32/);
    expect(() => parseCidr('corporate')).toThrow(/not an IP address or CIDR range/);
  });
});
