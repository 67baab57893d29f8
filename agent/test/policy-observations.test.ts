// The policy file's checks and effects, and the co-location observations built from facts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObservationKind } from '@farmwatch/proto';
import { builtinCatalog, type SchemaError } from '@farmwatch/shared';
import { applyExceptions, type Finding } from '../src/detectors/index.js';
import { loadPolicyFile, parsePolicy } from '../src/pipeline/policy-file.js';
import { buildObservations, keyedHash, ObservationDeduper } from '../src/pipeline/observations.js';

const catalog = builtinCatalog();
const kvmFinding: Finding = {
  detector: 'kvm.usb_structure', key: '046d:c52b:1234', category: 'kvm', severity: 'high', confidence: 90, title: 'x', sanctioned: false,
  evidence: [{ field: 'usb.vendor_product', value: '046d:c52b' }, { field: 'usb.serial', value: '1234' }],
};

describe('policy file', () => {
  it('names the bad key and says what to write', () => {
    expect(() => parsePolicy({ sanctionedTools: [{ id: 'teamviewer' }] }, 'p.json', catalog)).toThrow(/policy\.sanctionedTools\[0\]\.reason is missing/);
    expect(() => parsePolicy({ sanctionedTool: [] }, 'p.json', catalog)).toThrow(/policy\.sanctionedTool is not a known key\. Did you mean "sanctionedTools"\?/);
    expect(() => parsePolicy({ sanctionedTools: [{ id: 'teamveiwer', reason: 'IT' }] }, 'p.json', catalog)).toThrow(/"teamveiwer" is not a remote-access tool in the catalog/);
    expect(() => parsePolicy({ exceptions: [{ usb: { vendorId: 'zz', productId: '0001' }, reason: 'x' }] }, 'p.json', catalog)).toThrow(/exceptions\[0\]\.usb\.vendorId .*16-bit hex id/);
    expect(() => parsePolicy({ exceptions: [{ reason: 'x' }] }, 'p.json', catalog)).toThrow(/must name exactly one of usb, edid, processPath, interface/);
    // Every problem at once, each with its path and what to write.
    const problems = (() => {
      try {
        parsePolicy({ exceptions: [{ reason: '', usb: { vendorId: '046d', productId: 'c52b' }, edid: { manufacturer: 'DEL' }, action: 'drop' }], sanctionedVpns: 'wireguard' }, 'p.json', catalog);
      } catch (err) {
        return (err as SchemaError).problems;
      }
      return [];
    })();
    expect(problems.sort()).toEqual([
      'policy.exceptions[0] must name exactly one of usb, edid, processPath, interface (it names usb, edid)',
      'policy.exceptions[0].action must be one of lower, suppress, not "drop"',
      'policy.exceptions[0].reason must not be empty (say why this is allowed, for the analyst who reads the finding)',
      'policy.sanctionedVpns must be a list, not "wireguard"',
    ]);
  });

  it('reads a file, and says when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-policy-'));
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ sanctionedTools: [{ id: 'teamviewer', reason: 'IT helpdesk' }], exceptions: [{ usb: { vendorId: '046d', productId: 'c52b', serial: '1234' }, reason: 'CEO keyboard' }] }));
    const policy = loadPolicyFile(file, catalog);
    expect(policy.sanctionedTools).toEqual(['teamviewer']);
    expect(policy.reasons).toEqual({ teamviewer: 'IT helpdesk' });
    expect(() => loadPolicyFile(join(dir, 'missing.json'))).toThrow(/^the policy file .*missing\.json does not exist: pass an existing file with --policy$/);
    writeFileSync(file, '{ nope');
    expect(() => loadPolicyFile(file)).toThrow(/is not JSON/);
  });

  it('lowers a finding an exception covers, suppresses on request, and leaves others', () => {
    const policy = parsePolicy({ exceptions: [{ usb: { vendorId: '046d', productId: 'c52b', serial: '1234' }, reason: 'CEO keyboard' }] }, 'p');
    const [lowered] = applyExceptions([kvmFinding], policy);
    expect(lowered).toMatchObject({ sanctioned: true, severity: 'info' });
    expect(lowered?.evidence).toContainEqual({ field: 'policy.exception', value: 'CEO keyboard' });
    const other = { ...kvmFinding, evidence: [{ field: 'usb.vendor_product', value: '046d:c52b' }, { field: 'usb.serial', value: '9999' }] };
    expect(applyExceptions([other], policy)[0]?.sanctioned).toBe(false);
    const suppress = parsePolicy({ exceptions: [{ usb: { vendorId: '046d', productId: 'c52b' }, reason: 'x', action: 'suppress' }] }, 'p');
    expect(applyExceptions([kvmFinding], suppress)).toEqual([]);
  });
});

describe('observations', () => {
  const key = new Uint8Array(32).fill(7);
  const facts = {
    network: { routes: [], dnsServers: [], neighbours: [{ ip: '192.168.1.1', mac: 'AA:BB:CC:00:11:22', interface: 'eth0' }, { ip: '192.168.1.7', mac: '10:20:30:40:50:60', interface: 'eth0' }],
      defaultGateway: { ip: '192.168.1.1', interface: 'eth0', mac: 'aa:bb:cc:00:11:22' } },
    wifi: [{ interface: 'wlan0', ssid: 'FarmNet', bssid: '00:11:22:33:44:55', signalDbm: -40, visible: [{ bssid: '66:77:88:99:aa:bb', signalDbm: -70 }] }],
    sessions: [{ tool: 'anydesk' as const, direction: 'incoming' as const, peerId: '221436813', peerIp: '198.51.100.4', unattended: true, file: 'x' }],
  };

  it('hashes other people\'s identifiers with the fleet key and sends peer IPs as text', () => {
    const obs = buildObservations(facts, [], key);
    const kinds = obs.map((o) => o.kind);
    expect(kinds).toEqual([
      ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, ObservationKind.OBSERVATION_KIND_LAN_NEIGHBOUR_MAC, ObservationKind.OBSERVATION_KIND_WIFI_BSSID,
      ObservationKind.OBSERVATION_KIND_WIFI_SSID, ObservationKind.OBSERVATION_KIND_VISIBLE_BSSID, ObservationKind.OBSERVATION_KIND_REMOTE_PEER_ID,
      ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP,
    ]);
    expect(obs[0]?.valueHash).toEqual(keyedHash(key, 'aa:bb:cc:00:11:22'));
    expect(obs[0]?.valueHash?.length).toBe(16);
    expect(JSON.stringify(obs)).not.toMatch(/aa:bb|FarmNet|221436813/i);
    expect(obs.find((o) => o.kind === ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP)?.value).toBe('198.51.100.4');
    // Another fleet key gives other hashes: values do not match across fleets.
    expect(buildObservations(facts, [], new Uint8Array(32).fill(8))[0]?.valueHash).not.toEqual(obs[0]?.valueHash);
  });

  it('sends an unchanged observation once, and again after the refresh period', () => {
    const d = new ObservationDeduper(1000);
    const obs = buildObservations(facts, [], key);
    expect(d.fresh(obs, 0)).toHaveLength(obs.length);
    expect(d.fresh(obs, 500)).toEqual([]);
    expect(d.fresh(obs, 1500)).toHaveLength(obs.length);
  });
});
