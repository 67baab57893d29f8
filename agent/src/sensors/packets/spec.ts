// The packets sensor: VPN tunnels and remote-access sessions seen on the wire. Off unless
// configured. When on, the first run starts a live capture (node-pcap, loaded only then) that keeps
// running between runs; each run returns the notable flows seen since the previous one. Without
// libpcap, the node-pcap module or capture privilege, the sensor is "unavailable" with the reason,
// and the next run tries again.
import { builtinCatalog } from '@farmwatch/shared';
import { SensorUnavailable, type SensorSpec } from '../sensor.js';
import { PacketMonitor } from '../../packets/capture/monitor.js';
import { CaptureUnavailable } from '../../packets/capture/node-pcap.js';
import { CatalogDomains, domainRulesFromCatalog } from '../../packets/classify/domains.js';
import type { PacketCaptureConfig, PacketFacts } from './types.js';

/** Turned off by configuration: callers may report it as SENSOR_STATUS_DISABLED. */
export class SensorDisabled extends SensorUnavailable {
  constructor(reason: string) {
    super(reason);
    this.name = 'SensorDisabled';
  }
}

export interface PacketsSensor extends SensorSpec<PacketFacts> {
  /** Stops the capture; the next run starts it again. */
  stop(): Promise<void>;
}

export function createPacketsSensor(config: PacketCaptureConfig): PacketsSensor {
  let monitor: Promise<PacketMonitor> | undefined;
  const device = config.device ?? 'any';
  const start = (): Promise<PacketMonitor> => {
    monitor ??= PacketMonitor.start({
      device, maxFlows: config.maxFlows,
      domains: config.domains ?? new CatalogDomains(domainRulesFromCatalog(builtinCatalog())),
    }).catch((err: unknown) => {
      monitor = undefined;
      if (err instanceof CaptureUnavailable) throw new SensorUnavailable(err.message);
      throw err;
    });
    return monitor;
  };
  return {
    name: 'packets',
    description: 'VPN tunnels and remote-access sessions classified from packets (live capture)',
    // node-pcap builds on Linux and macOS; on Windows it would need Npcap and is not supported.
    platforms: ['linux', 'darwin'],
    cost: 'moderate',
    defaultIntervalS: 60,
    async collect() {
      if (!config.enabled) throw new SensorDisabled('packet capture is off by configuration (it needs libpcap and capture privilege; turn it on to use it)');
      return (await start()).snapshot();
    },
    count: (facts) => facts.flows.length,
    async stop() {
      const m = monitor;
      monitor = undefined;
      if (m) await (await m.catch(() => undefined))?.stop();
    },
  };
}

/** The agent's packets sensor as built: off until configured. */
export const packetsSensor: PacketsSensor = createPacketsSensor({ enabled: false });
