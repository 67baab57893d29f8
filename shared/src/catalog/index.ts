export * from './catalog.js';
export * from './patterns.js';
export * from './linear-match.js';
export * from './roles.js';
export { SchemaError, validate, obj, list, str, int, bool, oneOf, req, opt, type Check, type Fields } from './schema.js';
export * from './pattern-set.js';
