import { toAISdkMessages } from '@mastra/ai-sdk/ui';
import { MessageList } from '@mastra/core/agent';
import type { MastraDBMessage } from '@mastra/core/agent/message-list';
import type { Memory } from '@mastra/memory';
import type { UIMessage } from 'ai';
import type { ChatTurn } from './turn';
import type { UnfinishedSteps } from './unfinished-steps';

type StoredPart = MastraDBMessage['content']['parts'][number];

async function messagesAfterUserMessage(memory: Memory, turn: ChatTurn): Promise<MastraDBMessage[]> {
  const { messages } = await memory.recall({ threadId: turn.threadId, resourceId: turn.userId, perPage: false });
  const index = messages.findIndex((message) => message.id === turn.message.id);
  return index === -1 ? [] : messages.slice(index + 1);
}

/** The stored parts grouped by LLM step (Mastra separates steps with `step-start`). */
function splitSteps(parts: readonly StoredPart[]): StoredPart[][] {
  const steps: StoredPart[][] = [];
  for (const part of parts) {
    if (part.type === 'step-start' || steps.length === 0) steps.push([]);
    if (part.type !== 'step-start') steps.at(-1)?.push(part);
  }
  return steps.filter((step) => step.length > 0);
}

function joinSteps(steps: readonly StoredPart[][]): StoredPart[] {
  return steps.flatMap((step, index) => (index === 0 ? step : [{ type: 'step-start' } as StoredPart, ...step]));
}

/** What an earlier attempt of this turn left in memory: its reply and anything else after the user message. */
export interface StoredReply {
  reply: MastraDBMessage | undefined;
  /** Messages after the reply (a stopped attempt stores its partial answer under another id). */
  strays: MastraDBMessage[];
  /** The completed LLM steps the reply holds (Mastra saves each one as it finishes). */
  steps: number;
}

export async function readStoredReply(memory: Memory, turn: ChatTurn): Promise<StoredReply> {
  const after = await messagesAfterUserMessage(memory, turn);
  const index = after.findIndex((message) => message.role === 'assistant');
  const reply = after[index];
  const strays = after.filter((message) => message !== reply);
  return { reply, strays, steps: reply ? splitSteps(reply.content.parts).length : 0 };
}

/** The steps a continuing attempt builds on, as UI parts, and whether they already end the reply. */
export interface KeptSteps {
  parts: UIMessage['parts'];
  steps: number;
  /** The last kept step made no tool call: the model had finished its answer. */
  complete: boolean;
}

/**
 * Cuts the stored reply down to its first `keep` steps and removes everything else this turn
 * stored, so a retried or crash-recovered attempt continues from completed steps only. The agent
 * then sees those steps (tool calls with their results) as history and appends the rest of the
 * answer to the same stored message. Turns on a thread run one at a time, so everything after
 * the turn's user message belongs to this turn.
 */
export async function keepCompletedSteps(memory: Memory, stored: StoredReply, keep: number): Promise<KeptSteps> {
  const { reply, strays } = stored;
  const steps = reply ? splitSteps(reply.content.parts).slice(0, keep) : [];
  const doomed = [...strays, ...(reply && steps.length === 0 ? [reply] : [])];
  if (doomed.length > 0) await memory.deleteMessages(doomed.map((message) => message.id));
  if (!reply || steps.length === 0) return { parts: [], steps: 0, complete: false };
  const trimmed: MastraDBMessage = { ...reply, content: { ...reply.content, parts: joinSteps(steps) } };
  if (steps.length < stored.steps) await memory.saveMessages({ messages: [trimmed] });
  const [message] = toAISdkMessages([trimmed], { version: 'v6' }) as UIMessage[];
  const lastStep = steps.at(-1) ?? [];
  return { parts: message?.parts ?? [], steps: steps.length, complete: !lastStep.some((part) => part.type === 'tool-invocation') };
}

/**
 * Makes the stored reply carry the id the stream announced, so the client's message and the
 * stored one are the same object. Mastra stores the reply under an id of its own (a new one per
 * attempt, and another one for a stopped reply); it has finished saving by the time the agent
 * stream ends, so renaming afterwards cannot race with it.
 *
 * The rename is a copy under the new id, then a delete of the rest. A crash between the two
 * left both copies, and the re-run found the new id and stopped there: the answer was stored
 * twice. So the delete always runs, also when the copy is already there.
 */
export async function alignStoredReply(memory: Memory, turn: ChatTurn, messageId: string): Promise<void> {
  const stored = await messagesAfterUserMessage(memory, turn);
  if (!stored.some((message) => message.id === messageId)) {
    const reply = stored.findLast((message) => message.role === 'assistant');
    if (!reply) return;
    await memory.saveMessages({ messages: [{ ...reply, id: messageId }] });
  }
  const others = stored.filter((message) => message.id !== messageId).map((message) => message.id);
  if (others.length > 0) await memory.deleteMessages(others);
}

/** UI parts as memory stores them, split into LLM steps. */
function storedSteps(turn: ChatTurn, parts: UIMessage['parts']): StoredPart[][] {
  if (parts.length === 0) return [];
  const [message] = new MessageList({ threadId: turn.threadId, resourceId: turn.userId }).add({ id: 'unfinished', role: 'assistant', parts }, 'response').get.all.db();
  return splitSteps(message?.content.parts ?? []);
}

/**
 * Stores a stopped reply exactly as it was streamed: the finished steps Mastra stored, then the
 * steps the Stop cut short as the client was shown them. Whatever Mastra made of those (nothing,
 * part of them, or an assistant message of their own) is replaced, so the stored reply, the
 * history the next turn's model reads, and every client's copy are one and the same. Idempotent:
 * the kept steps are the stored reply's first steps however often this runs.
 */
export async function storeStoppedReply(memory: Memory, turn: ChatTurn, messageId: string, unfinished: UnfinishedSteps): Promise<void> {
  const stored = await messagesAfterUserMessage(memory, turn);
  const reply = stored.find((message) => message.id === messageId) ?? stored.find((message) => message.role === 'assistant');
  const kept = reply ? splitSteps(reply.content.parts).slice(0, unfinished.keptSteps) : [];
  const steps = [...kept, ...storedSteps(turn, unfinished.parts)];
  // Saved before anything is deleted: a crash in between leaves a stray, never a lost reply.
  const doomed = stored.filter((message) => message.id !== messageId || steps.length === 0).map((message) => message.id);
  if (steps.length > 0) {
    const base: MastraDBMessage = reply ?? {
      id: messageId,
      role: 'assistant',
      threadId: turn.threadId,
      resourceId: turn.userId,
      createdAt: new Date(),
      content: { format: 2, parts: [] },
    };
    await memory.saveMessages({ messages: [{ ...base, id: messageId, content: { ...base.content, parts: joinSteps(steps) } }] });
  }
  if (doomed.length > 0) await memory.deleteMessages(doomed);
}
