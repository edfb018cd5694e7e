import type { AppConfig } from '../config';
import { AppError } from '../errors';

/** The baseline routes exist only for the benchmark (BENCH_BASELINES=1); otherwise they are 404. */
export function requireBaselines(config: Pick<AppConfig, 'benchBaselines'>): void {
  if (!config.benchBaselines) throw new AppError('not_found:route', 'Not found');
}
