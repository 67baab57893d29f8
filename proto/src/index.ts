export * from './messages.js';
export * from './frame.js';
export * from './service.js';
export * from './limits.js';
