// Which events a full spool gives up first. Heartbeats and health readings are replaced by the
// next ones; inventory and observations are sent again with the next full inventory; findings and
// stops are what the collector must not miss.
import type { EventBody } from '../outbox.js';

export const enum Priority {
  Low = 0,
  Normal = 1,
  High = 2,
}

export function priorityOf(body: EventBody): Priority {
  if (body.heartbeat || body.health) return Priority.Low;
  if (body.finding || body.findingCleared || body.stopped || body.dropped) return Priority.High;
  return Priority.Normal;
}
