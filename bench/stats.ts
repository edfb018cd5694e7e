/** Nearest-rank percentile of a sample (p in 0..100); NaN for an empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export interface Summary {
  n: number;
  median: number;
  p99: number;
}

export function summarize(values: readonly number[]): Summary {
  return { n: values.length, median: round(percentile(values, 50)), p99: round(percentile(values, 99)) };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `value` as a multiple of `base` ("2.5×"), or a dash when either is missing. */
export const ratio = (value: number | undefined, base: number | undefined) => (value === undefined || base === undefined || !base || !Number.isFinite(value / base) ? '–' : `${round(value / base)}×`);
