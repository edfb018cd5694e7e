import path from 'node:path';
import { createClient } from '@libsql/client';
import { getToolName, isToolUIPart, type UIMessage } from 'ai';
import { expect } from 'vitest';
import { getJson, getThread } from './chat-client';
import { withClient } from './postgres';

/** The tool-heavy turn the tool suites drive: three tools, text before each, then the answer. */
export function toolTurnPrompt(options: { words?: number; tps?: number; extra?: string } = {}): string {
  const { words = 24, tps = 0, extra = '' } = options;
  return `Plan a trip to Lisbon [[sim words=${words} tps=${tps} tools=weather,research,save_note ${extra}]]`;
}

/**
 * A message reduced to what the user sees and memory keeps: text, and tool calls with their
 * state, input and outcome. Step markers and provider metadata are bookkeeping and differ
 * between a live stream and the stored copy.
 */
export function comparableParts(message: UIMessage | undefined): unknown[] {
  return (message?.parts ?? []).flatMap((part): unknown[] => {
    if (part.type === 'text') return [{ text: part.text }];
    if (!isToolUIPart(part)) return [];
    const outcome = part.state === 'output-available' ? { output: part.output } : part.state === 'output-error' ? { errorText: part.errorText } : {};
    return [{ tool: getToolName(part), toolCallId: part.toolCallId, state: part.state, input: part.input, ...outcome }];
  });
}

export interface RunRecords {
  notes: number;
  toolCalls: Array<{ tool_name: string; tool_call_id: string }>;
  stepRows: Array<{ step_index: number; attempt: number; input_tokens: number; output_tokens: number }>;
}

type Row = Record<string, unknown>;

/** Runs a query on the server's app database: its SQLite file or its PostgreSQL database. */
export async function queryAppDatabase(server: { dataDir: string; databaseUrl?: string }, sql: string, args: string[]): Promise<Row[]> {
  if (server.databaseUrl) {
    // Every query here takes one argument: SQLite's `?` is PostgreSQL's `$1`.
    return withClient(server.databaseUrl, async (client) => (await client.query(sql.replace('?', '$1'), args)).rows);
  }
  const client = createClient({ url: `file:${path.join(server.dataDir, 'app.db')}` });
  try {
    // The server writes the same file: wait for its write lock rather than fail.
    await client.execute('PRAGMA busy_timeout = 10000');
    return (await client.execute({ sql, args })).rows as unknown as Row[];
  } finally {
    client.close();
  }
}

/** What the app database holds for a run, read straight from the server's storage. */
export async function runRecords(server: { dataDir: string; databaseUrl?: string }, runId: string): Promise<RunRecords> {
  const [notes, toolCalls, steps] = await Promise.all([
    queryAppDatabase(server, 'select count(*) as n from notes where run_id = ?', [runId]),
    queryAppDatabase(server, 'select tool_name, tool_call_id from tool_calls where run_id = ? order by created_at', [runId]),
    queryAppDatabase(server, 'select step_index, attempt, input_tokens, output_tokens from billing_steps where run_id = ? order by step_index, attempt', [runId]),
  ]);
  return {
    notes: Number(notes[0]?.n ?? 0),
    toolCalls: toolCalls.map((row) => ({ tool_name: String(row.tool_name), tool_call_id: String(row.tool_call_id) })),
    stepRows: steps.map((row) => ({
      step_index: Number(row.step_index),
      attempt: Number(row.attempt),
      input_tokens: Number(row.input_tokens),
      output_tokens: Number(row.output_tokens),
    })),
  };
}

/**
 * The stored side of a finished three-tool turn is exact: memory holds one user and one
 * assistant message equal to what the client showed, each tool ran once (one note saved), and
 * the charge is the usage of the steps the answer is made of. Returns the run's ledger entry.
 */
export async function expectToolTurnRecordedOnce(server: { url: string; dataDir: string; databaseUrl?: string }, token: string, turn: { threadId: string; runId: string; shown: unknown[] }) {
  const thread = await getThread(server.url, token, turn.threadId);
  expect(thread.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
  expect(comparableParts(thread.messages[1])).toEqual(turn.shown);
  const records = await runRecords(server, turn.runId);
  expect(records.notes).toBe(1);
  expect(records.toolCalls.map((call) => call.tool_name)).toEqual(['weather', 'research', 'save_note']);
  const { body: ledger } = await getJson(server.url, token, `/api/billing/runs/${turn.runId}`);
  expect(ledger.charge).toMatchObject({ outcome: 'completed', outputTokens: answerStepOutputTokens(records) });
  return { ledger, records };
}

/** Output tokens of the steps the answer is made of: per step, the newest attempt's row. */
export function answerStepOutputTokens(records: RunRecords): number {
  const newest = new Map<number, number>();
  for (const row of records.stepRows) newest.set(row.step_index, row.output_tokens);
  return [...newest.values()].reduce((sum, tokens) => sum + tokens, 0);
}
