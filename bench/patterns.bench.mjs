// Catalog name patterns: the linear-time matcher the agent uses (shared/src/catalog/linear-match.ts,
// behind compileGlob's quick refusals on the first, last and longest literal text) against the
// regular expressions it replaced (`*` as `.*`, case-insensitive), measured in the same run. First on the built-in catalog's own patterns and ordinary process names (the price of the
// guarantee), then on the crafted pattern `*a*a*…*b` against a name of a's (what it buys: the regex
// time grows exponentially with the name, the matcher's linearly; the regex is only run on short
// names, since a long one would not finish).
import { builtinCatalog, compileGlob, globAtoms, LinearMatcher } from '../shared/dist/index.js';
import { fmt, measure } from './harness.mjs';
import { Table, record } from './results.mjs';

const regexGlob = (pattern) => {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return (name) => re.test(name);
};

const catalog = builtinCatalog();
const patterns = [...new Set([...(catalog.remoteAccess ?? []), ...(catalog.vpnClients ?? [])]
  .flatMap((e) => [...(e.processes ?? []), ...(e.services ?? []), ...(e.paths ?? [])])
  .map((p) => p.pattern ?? '').filter((p) => p.includes('*')))];
const names = [
  'systemd', 'kworker/0:1-events', 'chrome', 'Google Chrome Helper (Renderer)', 'svchost.exe', 'explorer.exe', 'AnyDesk.exe',
  'TeamViewer_Service.exe', 'rustdesk', 'code', 'node', 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE',
  '/usr/lib/firefox/firefox', 'ScreenConnect.ClientService.exe', 'bash', 'sshd', 'Slack Helper (GPU)', 'zoom.us',
];

const linear = patterns.map((p) => compileGlob(p));
const regex = patterns.map(regexGlob);
const all = (ms) => () => {
  let hits = 0;
  for (const n of names) for (const m of ms) if (m(n)) hits++;
  return hits;
};
if (all(linear)() !== all(regex)()) throw new Error('the linear matcher and the regular expressions disagree on the catalog');
const lin = measure(all(linear));
const re = measure(all(regex));
const everyday = new Table(`The built-in catalog's ${patterns.length} glob patterns against ${names.length} process names (one pass: every name against every pattern)`,
  ['matcher', 'passes/s', 'µs per pass', 'vs regex'], [30, 12, 12, 10]).header();
everyday.add(['regular expressions (before)', fmt(re.opsPerSec), (re.msPerOp * 1000).toFixed(1), '1.00x']);
everyday.add(['compileGlob (now)', fmt(lin.opsPerSec), (lin.msPerOp * 1000).toFixed(1), `${(re.msPerOp / lin.msPerOp).toFixed(2)}x`]);
everyday.note('vs regex = regex time / linear time (above 1: the linear matcher is faster)');

const crafted = `${'*a'.repeat(10)}*b`;
const attack = new Table(`The crafted pattern ${crafted} (10 stars) against a name of n a's: time of one match`,
  ['n', 'regex ms', 'linear ms', 'linear steps', 'regex / linear'], [8, 12, 12, 14, 14]).header();
const crafty = regexGlob(crafted);
const matcher = new LinearMatcher(globAtoms(crafted));
for (const n of [20, 24, 28, 32, 10_000]) {
  const name = 'a'.repeat(n);
  const stats = { steps: 0 };
  matcher.test(name, stats);
  const l = measure(() => matcher.test(name), { rounds: 3, minMs: 50 });
  if (n > 32) {
    attack.add([n, '(would not finish)', l.msPerOp.toFixed(4), stats.steps, '']);
    continue;
  }
  const t = performance.now();
  crafty(name);
  const r = performance.now() - t;
  attack.add([n, r.toFixed(2), l.msPerOp.toFixed(4), stats.steps, `${fmt(r / l.msPerOp)}x`]);
}
attack.note('linear steps stay under (atoms + 1) x n; the regex time multiplies with every few more characters');
record('patterns', 'Catalog patterns: linear-time matcher against regular expressions', [everyday, attack]);
