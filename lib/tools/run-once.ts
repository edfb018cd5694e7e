import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppDatabase } from '../db/database';
import type { Database } from '../db/schema';

/** A tool call as the agent made it, with the run it belongs to. */
export interface ToolCallRequest {
  runId: string;
  toolName: string;
  toolCallId: string;
  input: unknown;
}

/** JSON with object keys sorted, so equal inputs give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/**
 * Names a call by what it asks for, not by the provider's call id: a step regenerated after a
 * crash asks for the same thing under a new id, and must still get the first result.
 */
export function toolCallKey(toolName: string, input: unknown): string {
  return `${toolName}:${createHash('sha256').update(canonicalJson(input)).digest('hex')}`;
}

async function recordedOutput<T>(db: Kysely<Database>, runId: string, callKey: string): Promise<T | undefined> {
  const row = await db.selectFrom('tool_calls').select('output').where('run_id', '=', runId).where('call_key', '=', callKey).executeTakeFirst();
  return row ? (JSON.parse(row.output) as T) : undefined;
}

function recordRow(call: ToolCallRequest, callKey: string, output: unknown) {
  return {
    run_id: call.runId,
    call_key: callKey,
    tool_name: call.toolName,
    tool_call_id: call.toolCallId,
    input: canonicalJson(call.input),
    output: JSON.stringify(output),
    created_at: new Date().toISOString(),
  };
}

/**
 * Runs a tool call at most once per run and call key and returns its recorded output ever after.
 *
 * - `sideEffect: 'database'`: the tool's writes go through the transaction it is handed, which
 *   also records the call, so the effect and its record commit together or not at all: a crash
 *   mid-call leaves neither, and the retry runs it once.
 * - `sideEffect: 'none'`: the tool only computes; it runs outside any transaction and the first
 *   recorded output wins, so concurrent duplicates still answer alike.
 */
export async function runToolOnce<T>(db: AppDatabase, call: ToolCallRequest, options: { sideEffect: 'database' | 'none' }, execute: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const callKey = toolCallKey(call.toolName, call.input);
  const recorded = await recordedOutput<T>(db, call.runId, callKey);
  if (recorded !== undefined) return recorded;
  if (options.sideEffect === 'database') {
    return db.transaction().execute(async (trx) => {
      const raced = await recordedOutput<T>(trx, call.runId, callKey);
      if (raced !== undefined) return raced;
      const output = await execute(trx);
      await trx
        .insertInto('tool_calls')
        .values(recordRow(call, callKey, output))
        .execute();
      return output;
    });
  }
  const output = await execute(db);
  await db
    .insertInto('tool_calls')
    .values(recordRow(call, callKey, output))
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  return (await recordedOutput<T>(db, call.runId, callKey)) ?? output;
}
