// Notices USB devices and displays coming and going on Linux within seconds, without rescanning:
// inotify watches on /dev, /dev/input and udev's database (/run/udev/data) wake it when the kernel
// or udev adds or removes a device node, and a cheap poll (one directory listing and the DRM
// connectors' status files, every 2 s) catches what makes no device node. Either way it compares a
// small snapshot and says only which kind changed; the scheduler then runs that sensor.
import { watch, type FSWatcher } from 'node:fs';
import { listDir, readAttr } from '../sensors/fs.js';

export type HotplugKind = 'usb' | 'display';

export interface HotplugOptions {
  root?: string;
  pollMs?: number;
  debounceMs?: number;
}

interface Snapshot {
  usb: string;
  display: string;
}

export class HotplugWatcher {
  private readonly root: string;
  private watchers: FSWatcher[] = [];
  private poll: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private last: Snapshot | undefined;
  private checking = false;

  constructor(private readonly onChange: (kind: HotplugKind) => void, private readonly opts: HotplugOptions = {}) {
    this.root = opts.root ?? '';
  }

  async start(): Promise<void> {
    this.last = await this.snapshot();
    for (const dir of ['/dev', '/dev/input', '/run/udev/data']) {
      try {
        const w = watch(`${this.root}${dir}`, { persistent: false }, () => this.soon());
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // not there (a container, another OS): the poll covers it
      }
    }
    this.poll = setInterval(() => this.soon(), this.opts.pollMs ?? 2000);
    this.poll.unref();
  }

  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
  }

  private soon(): void {
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.check();
    }, this.opts.debounceMs ?? 250);
    this.debounce.unref();
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = await this.snapshot();
      const before = this.last;
      this.last = now;
      if (!before) return;
      if (now.usb !== before.usb) this.onChange('usb');
      if (now.display !== before.display) this.onChange('display');
    } finally {
      this.checking = false;
    }
  }

  private async snapshot(): Promise<Snapshot> {
    const usb = ((await listDir(`${this.root}/sys/bus/usb/devices`)) ?? []).filter((e) => !e.includes(':')).sort().join(',');
    const drm = ((await listDir(`${this.root}/sys/class/drm`)) ?? []).filter((e) => /^card\d+-/.test(e)).sort();
    const status = await Promise.all(drm.map(async (c) => `${c}=${(await readAttr(`${this.root}/sys/class/drm/${c}/status`)) ?? ''}`));
    return { usb, display: status.join(',') };
  }
}
