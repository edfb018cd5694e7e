import { z } from 'zod';
import { doubleTextingPolicies } from '@/lib/config';
import { runIdOfReply } from '@/lib/stream/message-protocol';

export const threadIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"');

// Lone surrogates cannot be stored as UTF-8 and PostgreSQL text cannot hold NUL: such text would
// fail in storage (or be silently altered), so it is refused here.
const storableText = z
  .string()
  .min(1, 'text must not be empty')
  .refine((text) => text.isWellFormed() && !text.includes('\u0000'), 'text must be well-formed Unicode without NUL characters');

const textPartSchema = z.object({ type: z.literal('text'), text: storableText });

const messageIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'message id must be 1-100 letters, digits, "-" or "_"')
  .refine((id) => runIdOfReply(id) === undefined, 'message ids starting with "reply_" name assistant replies');

export function chatRequestSchema(maxMessageChars: number) {
  const userMessageSchema = z.object({
    id: messageIdSchema,
    role: z.literal('user', 'the newest message must be a user message'),
    parts: z
      .array(textPartSchema)
      .min(1, 'a message needs at least one text part')
      .max(20)
      .refine((parts) => parts.reduce((sum, part) => sum + part.text.length, 0) <= maxMessageChars, `text must be at most ${maxMessageChars} characters`),
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
    /**
     * useChat's fields: `regenerate-message` answers the last message again; `submit-message`
     * with `messageId` (the last message's id) is an edit of it (see lib/chat/turn-plan.ts).
     */
    trigger: z.enum(['submit-message', 'regenerate-message']).default('submit-message'),
    messageId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/, 'messageId must be 1-200 letters, digits, "-" or "_"')
      .optional(),
  });
}
