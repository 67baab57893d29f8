// Alert changes, announced after their transaction committed: exporters and the live API stream
// listen here.
import { EventEmitter } from 'node:events';
import type { AlertChange } from '../store/store.js';

export class AlertBus extends EventEmitter<{ alert: [AlertChange] }> {
  publish(changes: AlertChange[]): void {
    for (const c of changes) this.emit('alert', c);
  }
}
