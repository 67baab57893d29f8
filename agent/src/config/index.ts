export * from './schema.js';
export * from './validate.js';
export * from './load.js';
export { parseRegQuery, POLICY_KEY } from './sources/windows-policy.js';
export { fromPlistJson, MANAGED_DOMAIN, MANAGED_PLIST } from './sources/macos-managed.js';
