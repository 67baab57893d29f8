export * from './catalog/index.js';
export * from './log.js';
export * from './version.js';
export * from './crypto/certs.js';
export * from './edid/index.js';
export * from './cli.js';
export * from './file-errors.js';
export * from './state-home.js';
