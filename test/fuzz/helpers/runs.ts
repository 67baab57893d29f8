// How long the fuzz tests run, in one place: a fixed seed and 40 runs per property in `npm test`;
// FARMWATCH_FUZZ_RUNS and FARMWATCH_FUZZ_SEED for longer or other runs.
export const RUNS = Number(process.env.FARMWATCH_FUZZ_RUNS ?? 40);
export const SEED = Number(process.env.FARMWATCH_FUZZ_SEED ?? 20261127);

/** fast-check parameters: `times` as many runs as the base (cheap properties run more). */
export const fuzzParams = (times = 1): { numRuns: number; seed: number } => ({ numRuns: RUNS * times, seed: SEED });
