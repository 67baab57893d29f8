// Alert changes, announced after their transaction committed: exporters and the live API stream
// listen here. `lifecycle` carries what people did to an alert (acknowledged, resolved, assigned,
// a note) through the API: the live stream shows it to every console; exporters and metrics,
// which count what the collector raised, do not listen to it.
import { EventEmitter } from 'node:events';
import type { AlertChange } from '../store/store.js';

export class AlertBus extends EventEmitter<{ alert: [AlertChange]; lifecycle: [AlertChange] }> {
  publish(changes: AlertChange[]): void {
    for (const c of changes) this.emit('alert', c);
  }

  lifecycle(ids: number[]): void {
    for (const id of ids) this.emit('lifecycle', { id, change: 'updated' });
  }
}
