import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecords } from '../support/tool-turns';
import { type OpenAIStub, type StubRequest, startOpenAIStub } from '../support/openai-stub';
import { openNewChat, sendMessage, shownMessages, storedThread, waitForStatus, words } from './chat-page';
import { useE2E } from './fixture';

let stub: OpenAIStub;
// Filled in once the stub listens, before the server (registered after this hook) starts.
const env: Record<string, string> = { SLOW_TOOL_MS: '8000' };
beforeAll(async () => {
  stub = await startOpenAIStub();
  Object.assign(env, { MODEL: 'stub-model', MODEL_BASE_URL: stub.baseURL, MODEL_API_KEY: 'test-key' });
});
afterAll(() => stub?.close());
const e2e = useE2E({ env });

interface Stopped {
  runId: string;
  /** From the click on Stop until the workflow world marked the run ended. */
  runEndedAfterMs: number;
  clickedAt: number;
}

/**
 * Clicks Stop, polls the run from the page until the server says it has ended, then reads when
 * the workflow world marked it ended: the server's own time, not the poll's (the server runs on
 * this machine, so the two clocks are one).
 */
async function clickStop(page: Page): Promise<Stopped> {
  const deleted = page.waitForResponse((response) => response.request().method() === 'DELETE');
  const clickedAt = Date.now();
  await page.getByRole('button', { name: 'Stop' }).click();
  const response = await deleted;
  expect(response.status()).toBe(202);
  const runId = new URL(response.url()).pathname.split('/').at(-1) ?? '';
  await expect
    .poll(() => page.evaluate(async (id) => (await (await fetch(`/api/chat/${id}`)).json()).status, runId), { timeout: 10_000, interval: 25 })
    .toBe('completed');
  const { runs } = await page.evaluate(async () => (await fetch('/api/runs')).json());
  const endedAt = runs.find((run: { runId: string }) => run.runId === runId)?.endedAt;
  expect(endedAt).toEqual(expect.any(String));
  const runEndedAfterMs = Date.parse(endedAt) - clickedAt;
  console.log(`Stop: the run ended ${runEndedAfterMs} ms after the click`);
  return { runId, runEndedAfterMs, clickedAt };
}

async function ledgerOf(page: Page, runId: string) {
  return page.evaluate(async (id) => (await fetch(`/api/billing/runs/${id}`)).json(), runId);
}

async function openChat(): Promise<Page> {
  return (await openNewChat(e2e.browser, e2e.server.url)).page;
}

const requestsOf = (text: string): StubRequest[] => stub.requests.filter((request) => request.lastUserText.includes(text));

describe('Stop in Chromium, against a provider on loopback', () => {
  it('mid-text: the run ends within a second, the provider sees the disconnect, the partial turn is kept and charged once', async () => {
    const page = await openChat();
    const prompt = 'Tell me everything [[stub words=600 ms=20]]';
    await sendMessage(page, prompt);
    await expect.poll(async () => words((await shownMessages(page)).at(-1)?.text ?? '').split(' ').length, { timeout: 20_000 }).toBeGreaterThan(10);
    const stopped = await clickStop(page);

    expect(stopped.runEndedAfterMs).toBeLessThan(1_000);
    const [call] = requestsOf(prompt);
    expect(call?.ended?.how).toBe('disconnected');
    expect((call?.ended?.at ?? Number.POSITIVE_INFINITY) - stopped.clickedAt).toBeLessThan(1_000);

    await waitForStatus(page, 'ready');
    const shown = (await shownMessages(page)).at(-1)?.text ?? '';
    const thread = await storedThread(page);
    expect(thread.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    const stored = thread.messages[1]?.parts.map((part) => part.text ?? '').join('') ?? '';
    expect(words(shown)).toBe(words(stored));
    const shownCount = words(stored).split(' ').length;
    expect(shownCount).toBeLessThan(600);

    await page.reload();
    await page.locator('[data-role="assistant"]').first().waitFor();
    expect((await shownMessages(page)).map(({ role, text }) => ({ role, text: words(text) }))).toEqual([
      { role: 'user', text: words(prompt) },
      { role: 'assistant', text: words(stored) },
    ]);
    const ledger = await ledgerOf(page, stopped.runId);
    expect(ledger.charge).toMatchObject({ outcome: 'aborted', outputTokens: shownCount });
    expect(ledger.attempts).toHaveLength(1);
    await page.context().close();
  });

  it('mid-tool: the run ends within a second, the tool is abandoned and the agent makes no further call', async () => {
    const page = await openChat();
    const prompt = 'Research durable streams [[stub tool=research]]';
    await sendMessage(page, prompt);
    await expect.poll(async () => (await shownMessages(page)).at(-1)?.tools ?? [], { timeout: 20_000 }).toEqual(['research:input-available']);
    const stopped = await clickStop(page);

    expect(stopped.runEndedAfterMs).toBeLessThan(1_000);
    await waitForStatus(page, 'ready');
    expect((await shownMessages(page)).at(-1)?.tools).toEqual(['research:stopped']);
    // The call that asked for the tool had finished; no call follows it with a tool result.
    const calls = requestsOf(prompt);
    expect(calls.map((call) => ({ afterToolResult: call.afterToolResult, how: call.ended?.how }))).toEqual([{ afterToolResult: false, how: 'completed' }]);

    const thread = await storedThread(page);
    expect(thread.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    const records = await runRecords(e2e.server, stopped.runId);
    expect(records.toolCalls).toEqual([]);
    const ledger = await ledgerOf(page, stopped.runId);
    expect(ledger.charge).toMatchObject({ outcome: 'aborted', outputTokens: 12 });
    expect(ledger.attempts).toHaveLength(1);
    await page.context().close();
  });
});
