// Small timing helpers for the benchmarks: warm up, then take the median of several timed rounds.
export function measure(fn, { rounds = 7, minMs = 200 } = {}) {
  for (let i = 0; i < 3; i++) fn();
  // Find how many iterations fill minMs, then time that many per round.
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    if (performance.now() - t >= minMs / 4 || n > 1e7) break;
    n *= 2;
  }
  const perOp = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    perOp.push((performance.now() - t) / n);
  }
  perOp.sort((a, b) => a - b);
  return { msPerOp: perOp[Math.floor(perOp.length / 2)], opsPerSec: 1000 / perOp[Math.floor(perOp.length / 2)] };
}

export function row(cells, widths) {
  return cells.map((c, i) => String(c).padEnd(widths[i] ?? 12)).join('  ');
}

export function fmt(n, digits = 1) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(digits)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(digits)}k`;
  return n.toFixed(digits);
}
