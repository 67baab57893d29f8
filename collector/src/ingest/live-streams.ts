// The agent streams open right now, by certificate: revoking a device ends its live streams at
// once (revocation in this process), or within a poll interval (revocation by the CLI).
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
