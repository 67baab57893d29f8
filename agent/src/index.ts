export * from './sensors/index.js';
export * from './detectors/index.js';
export * from './pipeline/scan.js';
export * from './pipeline/report.js';
export * from './pipeline/finding-differ.js';
export * from './pipeline/to-proto.js';
export { MemoryOutbox } from './transport/outbox.js';
export { StreamClient } from './transport/stream-client.js';
export { Agent } from './runtime/agent.js';
