/** Names the host itself maps to addresses (/etc/hosts, Windows drivers\etc\hosts). */
export interface HostsEntry { address: string; names: string[] }

/** A remote-access tool's own server setting: RustDesk's custom rendezvous and relay servers. */
export interface RelaySetting { tool: string; key: string; value: string; file: string }

export interface NameConfigFact {
  hosts: HostsEntry[];
  relays: RelaySetting[];
}
