// Loaded with `--import` into every Node.js process of scripts/test-node24.mjs: a native addon that
// node_modules holds for the machine's Node.js is loaded from its build for the pinned Node.js
// instead (scripts/pinned-node-addons.mjs), as the `map` parameter of this module's own URL
// ({ from: to }, absolute paths, as JSON) says: NODE_OPTIONS alone carries it, so it reaches the
// programs that tests start with an environment of their own making. Only the .node file is
// swapped; the package's JavaScript is the same. Node.js without module.registerHooks (before
// 22.15) is left alone.
import * as nodeModule from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const map = JSON.parse(new URL(import.meta.url).searchParams.get('map') ?? '{}');
if (typeof nodeModule.registerHooks === 'function' && Object.keys(map).length > 0) {
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      if (!resolved.url.startsWith('file:') || !resolved.url.endsWith('.node')) return resolved;
      const to = map[fileURLToPath(resolved.url)];
      return to ? { ...resolved, url: pathToFileURL(to).href } : resolved;
    },
  });
}
