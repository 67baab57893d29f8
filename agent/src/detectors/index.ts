export * from './finding.js';
export { detectRemoteAccessProcesses } from './remote-access-process.js';
