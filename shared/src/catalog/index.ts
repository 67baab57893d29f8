export * from './catalog.js';
export * from './patterns.js';
