// The agent streams open right now, by certificate: revoking a device ends its live streams at
// once (revocation in this process), or within a poll interval (revocation by the CLI). A device
// keeps one stream: a new one ends the ones before it (a reconnecting agent whose old connection
// is not yet seen as dead, or a copied identity; either way one stream's worth of memory).
export interface LiveStream {
  deviceId: string;
  certSerial: string;
  end(code: number, details: string): void;
}

export class LiveStreams {
  private readonly streams = new Set<LiveStream>();

  add(s: LiveStream): () => void {
    this.streams.add(s);
    return () => this.streams.delete(s);
  }

  /** Adds `s` as its device's only stream: the device's earlier streams are ended with `code` and `details`. */
  replace(s: LiveStream, code: number, details: string): { unregister: () => void; replaced: number } {
    const before = this.byDevice(s.deviceId);
    for (const old of before) {
      this.streams.delete(old);
      old.end(code, details);
    }
    return { unregister: this.add(s), replaced: before.length };
  }

  get size(): number {
    return this.streams.size;
  }

  /** Devices with a stream open now. */
  connectedDevices(): Set<string> {
    return new Set([...this.streams].map((s) => s.deviceId));
  }

  byDevice(deviceId: string): LiveStream[] {
    return [...this.streams].filter((s) => s.deviceId === deviceId);
  }

  endCertificates(serials: Set<string>, code: number, details: (s: LiveStream) => string): number {
    let n = 0;
    for (const s of [...this.streams]) {
      if (serials.has(s.certSerial)) {
        s.end(code, details(s));
        this.streams.delete(s);
        n++;
      }
    }
    return n;
  }
}
