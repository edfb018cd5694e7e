import { getAppContext } from '../app-context';
import { getConfig } from '../config';
import { startPruner } from './pruner';

/** Starts pruning runs past `RUN_RETENTION_HOURS` in this process (nothing when it is 0). */
export function startRetention(): void {
  const { retention } = getConfig();
  if (retention.runRetentionMs > 0) startPruner(getAppContext, retention.pruneEveryMs);
}
