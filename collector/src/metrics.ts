// Prometheus metrics in the text exposition format (version 0.0.4): counters, gauges and one
// histogram, without a client library.
type Labels = Record<string, string>;

const key = (labels: Labels): string => Object.entries(labels).sort().map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`).join(',');

class Family {
  readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string, readonly type: 'counter' | 'gauge') {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  set(labels: Labels, value: number): void {
    this.values.set(key(labels), value);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    if (this.values.size === 0 && this.type === 'counter') lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(readonly name: string, readonly help: string, readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    this.buckets.forEach((b, i) => {
      if (v <= b) this.counts[i] = (this.counts[i] ?? 0) + 1;
    });
  }
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`,
      ...this.buckets.map((b, i) => `${this.name}_bucket{le="${b}"} ${this.counts[i] ?? 0}`),
      `${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`].join('\n');
  }
}

export class Metrics {
  readonly eventsStored = new Family('farmwatch_events_stored_total', 'Events stored (each (device, sequence) once).', 'counter');
  readonly eventsReplayed = new Family('farmwatch_events_replayed_total', 'Events received again and not stored twice.', 'counter');
  readonly batches = new Family('farmwatch_batches_total', 'Event batches committed and acknowledged.', 'counter');
  readonly refused = new Family('farmwatch_streams_refused_total', 'Agent streams ended by the collector, by gRPC status.', 'counter');
  readonly enrollments = new Family('farmwatch_enrollments_total', 'Enrollment attempts, by result.', 'counter');
  readonly alerts = new Family('farmwatch_alert_changes_total', 'Alerts opened or changed, by rule and change.', 'counter');
  readonly exports = new Family('farmwatch_exports_total', 'Alert exports, by exporter and result.', 'counter');
  readonly liveStreams = new Family('farmwatch_agent_streams', 'Agent streams open now.', 'gauge');
  readonly connectionsRefused = new Family('farmwatch_connections_refused_total', 'Connections closed as soon as accepted because the port held its maximum, by port (grpc, http).', 'counter');
  readonly proxyHeadersRefused = new Family('farmwatch_proxy_headers_refused_total', 'Connections from a --trusted-proxy to the gRPC port closed because they did not start with a valid PROXY protocol v2 header, by reason.', 'counter');
  readonly correlation = new Family('farmwatch_correlation_values', 'Values in the co-location index, and hubs that no longer link devices.', 'gauge');
  readonly commitSeconds = new Histogram('farmwatch_batch_commit_seconds', 'Time from a batch arriving to its commit.', [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]);

  render(): string {
    return [this.eventsStored, this.eventsReplayed, this.batches, this.refused, this.enrollments, this.alerts, this.exports,
      this.liveStreams, this.connectionsRefused, this.proxyHeadersRefused, this.correlation, this.commitSeconds].map((f) => f.render()).join('\n') + '\n';
  }
}
