export interface RouteFact {
  /** CIDR: "0.0.0.0/0", "128.0.0.0/1", "::/0". */
  destination: string;
  gateway?: string;
  interface: string;
  metric?: number;
}

export interface NeighbourFact {
  ip: string;
  mac: string;
  interface: string;
}

/** Routing, neighbours and resolvers: one sensor, since they are read together and used together. */
export interface NetworkStateFact {
  routes: RouteFact[];
  neighbours: NeighbourFact[];
  dnsServers: string[];
  defaultGateway?: { ip: string; interface: string; mac?: string };
}
