import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sessionCookieName } from '../../lib/auth/session';
import { createSession, getThread, textOf } from '../support/chat-client';
import { sendMessage, shownMessages } from './chat-page';
import { useE2E } from './fixture';

const e2e = useE2E({ env: { BENCH_BASELINES: '1' } });
const prompt = 'Walk me through durable streams [[sim words=160 tps=40]]';
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Sends the prompt on `path`, closes the tab once the answer is under way, and returns the thread id. */
async function closeTabMidAnswer(path: string): Promise<{ threadId: string; token: string }> {
  const context = await e2e.browser.newContext();
  const page = await context.newPage();
  const session = await createSession(e2e.server.url);
  await context.addCookies([{ name: sessionCookieName, value: session.token, url: e2e.server.url }]);
  const threadId = randomUUID();
  await page.goto(`${e2e.server.url}${path}/${threadId}`);
  await sendMessage(page, prompt);
  await expect.poll(async () => words((await shownMessages(page)).at(-1)?.text ?? ''), { timeout: 20_000 }).toBeGreaterThan(10);
  await context.close();
  return { threadId, token: session.token };
}

describe('closing the tab mid-answer, in Chromium', () => {
  it('stops the request-bound baseline, and lets the durable chat finish', async () => {
    const baseline = await closeTabMidAnswer('/baseline');
    const durable = await closeTabMidAnswer('/chat');
    // 160 tokens at 40/s: both would have finished by now had they kept going.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const lost = await getThread(e2e.server.url, baseline.token, baseline.threadId);
    expect(words(textOf(lost.messages.find((message) => message.role === 'assistant')))).toBeLessThan(100);
    const kept = await getThread(e2e.server.url, durable.token, durable.threadId);
    expect(kept.activeRunId).toBeNull();
    expect(words(textOf(kept.messages[1]))).toBeGreaterThanOrEqual(160);
  });
});
