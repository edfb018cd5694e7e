import { safeValidateUIMessages } from 'ai';
import { z } from 'zod';
import { type ChatMessage, chatMetadataSchema, runOutcomeSchema } from '../stream/message-protocol';

/**
 * The JSON bodies the page reads from the app's API, in one place: the page parses every body
 * with these schemas, and the route handlers build theirs `satisfies` the inferred types, so
 * neither side can change a shape without the other failing to compile. Each schema holds what
 * the page relies on; fields the page does not read are left out (and dropped by the parse).
 */

/** Every error the API answers with (lib/errors.ts): a stable code, a message, and the error's details. */
export const apiErrorSchema = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    /** On `conflict:active_run`: the run still answering the thread, for the page to attach to. */
    activeRunId: z.string().optional(),
  }),
});

export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

/** `GET /api/session`. */
export const sessionSchema = z.object({
  userId: z.string(),
  /** `simulated` when no model key is configured and replies come from the built-in model. */
  model: z.enum(['simulated', 'live']),
});

export type SessionBody = z.infer<typeof sessionSchema>;

/** `GET /api/threads`: the user's threads, newest first. */
export const threadListSchema = z.object({
  threads: z.array(
    z.object({
      id: z.string(),
      title: z.string().optional(),
      /** Whether a run is answering (or queued) on the thread right now. */
      active: z.boolean(),
    }),
  ),
});

export type ThreadListBody = z.infer<typeof threadListSchema>;

/**
 * The AI SDK tries a part against each of its part types, and for a part that fits none it reports
 * only a `data-*` prefix check that failed; the part is named for what it is instead.
 */
function sdkIssue({ path, message }: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  const insidePart = path[1] === 'parts' && path.length > 3;
  return insidePart ? { path: path.slice(0, 3), message: 'not a message part the AI SDK defines' } : { path, message };
}

/**
 * Messages as the AI SDK validates them, so every part type it defines is accepted (and data parts
 * Mastra adds are not refused). Metadata is checked first, by its own schema, so its issues name
 * their field.
 */
const chatMessagesSchema = z.array(z.looseObject({ metadata: chatMetadataSchema.optional() })).transform(async (messages, context): Promise<ChatMessage[]> => {
  // The AI SDK refuses an empty list; a thread without messages yet is a valid one.
  if (messages.length === 0) return [];
  const result = await safeValidateUIMessages<ChatMessage>({ messages });
  if (result.success) return result.data;
  const { cause } = result.error;
  if (cause instanceof z.ZodError) for (const issue of cause.issues) context.addIssue({ code: 'custom', ...sdkIssue(issue) });
  else context.addIssue({ code: 'custom', message: result.error.message });
  return z.NEVER;
});

/** `GET /api/threads/{id}` (lib/chat/read-thread.ts). */
export const threadViewSchema = z.object({
  messages: chatMessagesSchema,
  /** The run answering now, whose stream the page attaches to. */
  activeRunId: z.string().nullable(),
  /** Earlier answers of the shown user messages, oldest first, by user message id. */
  versions: z.record(z.string(), chatMessagesSchema),
});

export type ThreadViewBody = z.infer<typeof threadViewSchema>;

/** The workflow world's run statuses, and `unknown` for a run it does not know (lib/runs/world-run.ts). */
const runStatusSchema = z.enum(['pending', 'running', 'completed', 'failed', 'cancelled', 'unknown']);

const runSummarySchema = z.object({
  runId: z.string(),
  threadId: z.string(),
  /** Null when the thread is gone. */
  threadTitle: z.string().nullable(),
  /** A stopped turn ends `completed`: see `stopped`. */
  status: runStatusSchema,
  active: z.boolean(),
  stopped: z.boolean(),
  stopRequestedAt: z.string().nullable(),
  startedAt: z.string(),
  durationMs: z.number(),
  chunks: z.number(),
  attempts: z.number(),
  /** Null until the run is charged, as it ends. */
  charge: z.object({ inputTokens: z.number(), outputTokens: z.number(), costMicros: z.number() }).nullable(),
});

export type RunSummaryBody = z.infer<typeof runSummarySchema>;

/** `GET /api/runs` (lib/runs/list-runs.ts): the user's recent runs, newest first. */
export const runPageSchema = z.object({ runs: z.array(runSummarySchema) });

export type RunPageBody = z.infer<typeof runPageSchema>;

const usageFields = { inputTokens: z.number(), outputTokens: z.number(), costMicros: z.number() };

/** `GET /api/billing/usage` (lib/billing/usage-report.ts): charged usage by day and model, and the recent charged runs. */
export const usageReportSchema = z.object({
  /** The range, as calendar days `YYYY-MM-DD` (UTC). */
  from: z.string(),
  to: z.string(),
  byDay: z.array(z.object({ day: z.string(), modelId: z.string(), runs: z.number(), ...usageFields })),
  totals: z.object({ runs: z.number(), ...usageFields }),
  runs: z.array(z.object({ runId: z.string(), threadId: z.string(), modelId: z.string(), outcome: runOutcomeSchema, createdAt: z.string(), ...usageFields })),
});

export type UsageReportBody = z.infer<typeof usageReportSchema>;
