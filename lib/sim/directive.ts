import { z } from 'zod';
import { splitDirective } from '../directive-markup';

/**
 * Controls for the simulated model, written in the user's message as
 * `[[sim words=N tps=N tools=a,b fail_at=N fail_step=N fatal_at=N quote=N]]`. The directive is stripped before the
 * model "reads" the message, so it never shows up in a reply.
 */
export interface SimDirective {
  /** Reply length in words. */
  words: number | undefined;
  /** Tokens per second; 0 streams as fast as possible. */
  tokensPerSecond: number | undefined;
  /** Tool names to call, in order, before answering. */
  tools: string[];
  /** The stream errors after this many tokens, on the first attempt only. */
  failAt: number | undefined;
  /** Which LLM step of the turn `fail_at` applies to (0, the first, by default). */
  failStep: number;
  /** The stream errors after this many tokens on every attempt (a persistent provider failure). */
  fatalAt: number | undefined;
  /** Start the reply by quoting this many words of the previous assistant message (memory recall). */
  quote: number | undefined;
}

/**
 * The simulated model answers anyone with no key configured, so what one message can ask of it
 * is capped: a reply of 100,000 words at full speed took 15 CPU-seconds and stalled the server.
 * Larger values are clamped to the cap.
 */
export const simLimits = { words: 2_000, tools: 8 } as const;

const count = z.coerce.number().int().min(0).max(100_000);
const capped = (cap: number) => count.transform((value) => Math.min(value, cap));

const fieldSchemas = {
  words: capped(simLimits.words),
  tps: z.coerce.number().min(0).max(100_000),
  tools: z
    .string()
    .regex(/^[a-z0-9_-]+(,[a-z0-9_-]+)*$/i)
    .transform((names) => names.split(',').slice(0, simLimits.tools).join(',')),
  fail_at: count,
  fail_step: count,
  fatal_at: count,
  quote: capped(simLimits.words),
} as const;

type Field = keyof typeof fieldSchemas;

function isField(name: string): name is Field {
  return Object.hasOwn(fieldSchemas, name);
}

/** Splits a user message into its visible text and the simulation directive it carries. */
export function parseDirective(text: string): { text: string; directive: SimDirective } {
  const directive: SimDirective = { words: undefined, tokensPerSecond: undefined, tools: [], failAt: undefined, failStep: 0, fatalAt: undefined, quote: undefined };
  const { text: visible, fields } = splitDirective(text);
  if (fields === undefined) return { text: visible, directive };
  for (const assignment of fields.trim().split(/\s+/).filter(Boolean)) {
    const [name = '', value = ''] = assignment.split('=', 2);
    if (!isField(name)) continue;
    const parsed = fieldSchemas[name].safeParse(value);
    if (!parsed.success) continue;
    if (name === 'words') directive.words = parsed.data as number;
    if (name === 'tps') directive.tokensPerSecond = parsed.data as number;
    if (name === 'tools') directive.tools = (parsed.data as string).split(',');
    if (name === 'fail_at') directive.failAt = parsed.data as number;
    if (name === 'fail_step') directive.failStep = parsed.data as number;
    if (name === 'fatal_at') directive.fatalAt = parsed.data as number;
    if (name === 'quote') directive.quote = parsed.data as number;
  }
  return { text: visible, directive };
}
