import { z } from 'zod';
import { doubleTextingPolicies } from '@/lib/config';

export const threadIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"');

const textPartSchema = z.object({ type: z.literal('text'), text: z.string().min(1, 'text must not be empty') });

export function chatRequestSchema(maxMessageChars: number) {
  const userMessageSchema = z.object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'message id must be 1-100 letters, digits, "-" or "_"'),
    role: z.literal('user', 'the newest message must be a user message'),
    parts: z
      .array(textPartSchema.extend({ text: textPartSchema.shape.text.max(maxMessageChars, `text must be at most ${maxMessageChars} characters`) }))
      .min(1, 'a message needs at least one text part')
      .max(20),
  });
  return z.object({
    id: threadIdSchema,
    // Clients may send the whole conversation (useChat's default); only the newest message is
    // read, because the history lives in memory, where the client cannot rewrite it.
    messages: z
      .array(z.unknown())
      .min(1, 'messages must not be empty')
      .max(1000)
      .transform((messages) => messages.at(-1))
      .pipe(userMessageSchema),
    /** Overrides DOUBLE_TEXTING for this message: what to do if the thread is still answering. */
    onActiveRun: z.enum(doubleTextingPolicies).optional(),
  });
}
