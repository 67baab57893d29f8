// Where laptops are, hour by hour, and where IT shipped them: what the presence rule and the
// shipped-to rule read (src/rules/presence.ts, src/rules/ship-to-shared.ts).

/** An hour (since the epoch, UTC) a device was on at a public address. */
export interface PresenceRow {
  deviceId: string;
  hour: number;
  ip: string;
}

/** A registration shipped to an address (by its keyed hash), with its assignee. */
export interface ShippedRow {
  deviceId: string;
  assigneeName: string;
  assigneeEmail: string;
  registeredMs: number;
  revokedMs: number | null;
  /** Its address hash (with the unit): registrations in one building with other units have others. */
  shipStreetHash: string;
}

export interface PlaceStore {
  /**
   * Records that the device was on at `ip` in each of these hours; at most `maxPerHour` addresses
   * per device and hour are kept (a laptop hopping between networks adds no more). Returns rows added.
   */
  markPresence(deviceId: string, hours: Iterable<number>, ip: string, maxPerHour: number): number;
  /** The hours from `sinceHour` on, with their addresses, of these devices. */
  presence(deviceIds: readonly string[], sinceHour: number): PresenceRow[];
  /** Deletes the hours before `beforeHour`; returns how many rows went. */
  prunePresence(beforeHour: number): number;
  /** Registrations whose street address (with its unit: 'address'; the building alone: 'building') has this hash. */
  shippedTo(kind: 'address' | 'building', hash: string): ShippedRow[];
}
