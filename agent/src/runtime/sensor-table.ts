// The running agent's sensors, from the declaration (sensors/registry.ts): each runs on its own
// schedule and the latest result of each is kept under its facts key.
import { sensorsOf, type FactKey, type SensorDeclaration, type SensorSpec } from '../sensors/index.js';
import type { AgentConfig } from '../config/index.js';

export interface SensorEntry {
  spec: SensorSpec<unknown>;
  key: FactKey;
  hotplug?: SensorDeclaration['hotplug'];
  /** Stops what the sensor keeps running between runs (the packet capture). */
  stop?: () => Promise<void>;
}

/** The sensors the running agent schedules, as declared (specs with their defaults). */
export const SENSOR_TABLE: readonly SensorEntry[] = sensorsOf('run').map((d) => ({ spec: d.spec, key: d.key, ...(d.hotplug ? { hotplug: d.hotplug } : {}) }));

/** The sensors of a running agent, configured (the packets sensor's capture settings). */
export function sensorTable(config: AgentConfig): SensorEntry[] {
  return sensorsOf('run').map((d): SensorEntry => {
    const configured = d.configure?.(config);
    return {
      spec: configured?.spec ?? d.spec, key: d.key,
      ...(d.hotplug ? { hotplug: d.hotplug } : {}), ...(configured ? { stop: configured.stop } : {}),
    };
  });
}

/** The facts that make up each inventory kind, for the inventory differ. */
export const INVENTORY_FACTS: Partial<Record<FactKey, 'usb' | 'display' | 'interface'>> = Object.fromEntries(
  sensorsOf('run').flatMap((d) => (d.inventory ? [[d.key, d.inventory]] : [])),
);
