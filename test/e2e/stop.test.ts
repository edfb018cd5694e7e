import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAIStub, type StubRequest, startOpenAIStub } from '../support/openai-stub';
import { runRecords } from '../support/tool-turns';
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
  clickedAt: number;
  /** When the workflow world marked the run ended, by the server's clock (this machine's). */
  endedAt: number;
}

/**
 * Clicks Stop, polls the run from the page until the server says it has ended, then reads when
 * the workflow world marked it ended. How long that takes is the benchmark's to measure (a
 * loaded machine stretches it); the test holds the order: click, then the run's end.
 */
async function clickStop(page: Page): Promise<Stopped> {
  const deleted = page.waitForResponse((response) => response.request().method() === 'DELETE');
  const clickedAt = Date.now();
  await page.getByRole('button', { name: 'Stop' }).click();
  const response = await deleted;
  expect(response.status()).toBe(202);
  const runId = new URL(response.url()).pathname.split('/').at(-1) ?? '';
  await expect.poll(() => page.evaluate(async (id) => (await (await fetch(`/api/chat/${id}`)).json()).status, runId), { timeout: 10_000, interval: 25 }).toBe('completed');
  const { runs } = await page.evaluate(async () => (await fetch('/api/runs')).json());
  const endedAt = runs.find((run: { runId: string }) => run.runId === runId)?.endedAt;
  expect(endedAt).toEqual(expect.any(String));
  console.log(`Stop: the run ended ${Date.parse(endedAt) - clickedAt} ms after the click`);
  return { runId, clickedAt, endedAt: Date.parse(endedAt) };
}

async function ledgerOf(page: Page, runId: string) {
  return page.evaluate(async (id) => (await fetch(`/api/billing/runs/${id}`)).json(), runId);
}

async function openChat(): Promise<Page> {
  return (await openNewChat(e2e.browser, e2e.server.url)).page;
}

const requestsOf = (text: string): StubRequest[] => stub.requests.filter((request) => request.lastUserText.includes(text));

describe('Stop in Chromium, against a provider on loopback', () => {
  it('mid-text: the run ends, the provider sees the disconnect mid-answer, the partial turn is kept and charged once', async () => {
    const page = await openChat();
    const prompt = 'Tell me everything [[stub words=600 ms=20]]';
    await sendMessage(page, prompt);
    await expect.poll(async () => words((await shownMessages(page)).at(-1)?.text ?? '').split(' ').length, { timeout: 20_000 }).toBeGreaterThan(10);
    const stopped = await clickStop(page);

    expect(stopped.endedAt).toBeGreaterThanOrEqual(stopped.clickedAt);
    const [call] = requestsOf(prompt);
    // The Stop cut the provider's answer: it saw the connection close after the click, with most
    // of its 600 words still unsent.
    expect(call?.ended?.how).toBe('disconnected');
    expect(call?.ended?.at).toBeGreaterThanOrEqual(stopped.clickedAt);
    expect(call?.wordsSent).toBeLessThan(600);

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

  it('mid-tool: the run ends, the tool is abandoned and the agent makes no further call', async () => {
    const page = await openChat();
    const prompt = 'Research durable streams [[stub tool=research]]';
    await sendMessage(page, prompt);
    await expect.poll(async () => (await shownMessages(page)).at(-1)?.tools ?? [], { timeout: 20_000 }).toEqual(['research:input-available']);
    const stopped = await clickStop(page);

    expect(stopped.endedAt).toBeGreaterThanOrEqual(stopped.clickedAt);
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
