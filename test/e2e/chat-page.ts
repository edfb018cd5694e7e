import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** What the page shows, read from the DOM the way a person sees it. */
export async function shownMessages(page: Page): Promise<Array<{ id: string; role: string; text: string; usage: string | null }>> {
  return page.locator('[data-message-id]').evaluateAll((elements) =>
    elements.map((element) => ({
      id: element.getAttribute('data-message-id') ?? '',
      role: element.getAttribute('data-role') ?? '',
      text: (element.querySelector('.bubble') as HTMLElement).innerText,
      usage: (element.querySelector('[data-testid="turn-usage"]') as HTMLElement | null)?.innerText ?? null,
    })),
  );
}

type StoredMessage = { id: string; role: string; parts: Array<{ type: string; text?: string }>; metadata?: { usage?: { outputTokens: number } } };

export async function storedThread(page: Page): Promise<{ activeRunId: string | null; messages: StoredMessage[] }> {
  const threadId = new URL(page.url()).pathname.split('/').at(-1);
  return page.evaluate(async (id) => (await fetch(`/api/threads/${id}`)).json(), threadId);
}

/** Letters and digits only: markdown rendering changes markup and spacing, never the words. */
export const words = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByPlaceholder('Message Durable Chat').fill(text);
  await page.keyboard.press('Enter');
}

export async function waitForStatus(page: Page, status: string, timeout = 30_000): Promise<void> {
  await expect.poll(() => page.getByTestId('chat-status').getAttribute('data-status'), { timeout }).toBe(status);
}

/** After the turn, the page shows exactly the stored thread: same ids, roles, order and words. */
export async function expectPageMatchesStore(page: Page): Promise<void> {
  const [shown, stored] = await Promise.all([shownMessages(page), storedThread(page)]);
  expect(stored.activeRunId).toBeNull();
  expect(shown.map(({ id, role }) => ({ id, role }))).toEqual(stored.messages.map(({ id, role }) => ({ id, role })));
  expect(shown.map(({ text }) => words(text))).toEqual(stored.messages.map((message) => words(message.parts.map((part) => part.text ?? '').join(' '))));
  // Every reply shows the tokens its run was charged, live and after a reload alike.
  for (const [index, message] of stored.messages.entries()) {
    if (message.role !== 'assistant') continue;
    expect(shown[index]?.usage).toContain(`${message.metadata?.usage?.outputTokens} out`);
  }
}
