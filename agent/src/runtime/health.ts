// The agent's own footprint: CPU since the last reading (per mille of one core) and resident memory.
export class ResourceMeter {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();

  read(): { cpuPermille: number; rssBytes: number } {
    const cpu = process.cpuUsage(this.lastCpu);
    const now = performance.now();
    const wallUs = Math.max(1, (now - this.lastAt) * 1000);
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    return { cpuPermille: Math.round(((cpu.user + cpu.system) / wallUs) * 1000), rssBytes: process.memoryUsage().rss };
  }
}
