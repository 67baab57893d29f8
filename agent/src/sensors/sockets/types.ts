export interface SocketFact {
  protocol: 'tcp' | 'udp';
  state: 'listen' | 'established' | 'other';
  localAddress: string;
  localPort: number;
  remoteAddress?: string;
  remotePort?: number;
  pid?: number;
  /** Name of the owning process, where known. */
  process?: string;
}
