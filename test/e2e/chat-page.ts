import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

export interface ShownMessage {
  id: string;
  role: string;
  /** The message's text, tool cards left out. */
  text: string;
  /** Tool cards in order, as `name:state`. */
  tools: string[];
  usage: string | null;
}

/** What the page shows, read from the DOM the way a person sees it. */
export async function shownMessages(page: Page): Promise<ShownMessage[]> {
  return page.locator('[data-message-id]').evaluateAll((elements) =>
    elements.map((element) => {
      const bubble = element.querySelector('.bubble') as HTMLElement;
      const cards = [...bubble.querySelectorAll('[data-testid="tool-card"]')];
      const textOnly = bubble.cloneNode(true) as HTMLElement;
      for (const card of textOnly.querySelectorAll('[data-testid="tool-card"]')) card.remove();
      // innerText needs layout; the detached clone is measured through a hidden host.
      document.body.append(textOnly);
      const text = textOnly.innerText;
      textOnly.remove();
      return {
        id: element.getAttribute('data-message-id') ?? '',
        role: element.getAttribute('data-role') ?? '',
        text,
        tools: cards.map((card) => `${card.getAttribute('data-tool')}:${card.getAttribute('data-state')}`),
        usage: (element.querySelector('[data-testid="turn-usage"]') as HTMLElement | null)?.innerText ?? null,
      };
    }),
  );
}

type StoredPart = { type: string; text?: string; state?: string };
type StoredMessage = { id: string; role: string; parts: StoredPart[]; metadata?: { usage?: { outputTokens: number } } };

const storedTools = (parts: StoredPart[]) => parts.flatMap((part) => (part.type.startsWith('tool-') ? [`${part.type.slice(5)}:${part.state}`] : []));

export async function storedThread(page: Page): Promise<{ activeRunId: string | null; messages: StoredMessage[] }> {
  const threadId = new URL(page.url()).pathname.split('/').at(-1);
  return page.evaluate(async (id) => (await fetch(`/api/threads/${id}`)).json(), threadId);
}

/** Letters and digits only: markdown rendering changes markup and spacing, never the words. */
export const words = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** A fresh browser context (a new visitor) on the app's start page, once it has opened a new chat. */
export async function openNewChat(browser: Browser, baseUrl: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.waitForURL(/\/chat\//);
  return { context, page };
}

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
  expect(shown.map(({ tools }) => tools)).toEqual(stored.messages.map((message) => storedTools(message.parts)));
  // Every reply shows the tokens its run was charged, live and after a reload alike.
  for (const [index, message] of stored.messages.entries()) {
    if (message.role !== 'assistant') continue;
    expect(shown[index]?.usage).toContain(`${message.metadata?.usage?.outputTokens} out`);
  }
}
