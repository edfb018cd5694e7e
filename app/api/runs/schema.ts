import { z } from 'zod';

const maxRunsPerPage = 200;

export const runsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(maxRunsPerPage).default(50),
  /** The last run id of the previous page. */
  before: z
    .string()
    .regex(/^wrun_[0-9A-Za-z]{10,40}$/, 'must be a run id')
    .optional(),
});
