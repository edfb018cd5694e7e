import { z } from 'zod';
import { runIdPattern } from '@/lib/runs/run-stream';

const maxRunsPerPage = 200;

export const runsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(maxRunsPerPage).default(50),
  /** The last run id of the previous page. */
  before: z.string().regex(runIdPattern, 'must be a run id').optional(),
});
