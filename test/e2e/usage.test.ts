import { describe, expect, it } from 'vitest';
import { openNewChat, sendMessage, waitForStatus } from './chat-page';
import { useE2E } from './fixture';

const e2e = useE2E();

describe('the usage page', () => {
  it("shows the user's charged runs, totals and a chart", async () => {
    const { context, page } = await openNewChat(e2e.browser, e2e.server.url);
    await sendMessage(page, 'Count my tokens [[sim words=25 tps=0]]');
    await expect.poll(() => page.getByTestId('turn-usage').count(), { timeout: 20_000 }).toBe(1);
    await waitForStatus(page, 'ready');
    expect(await page.getByTestId('turn-usage').innerText()).toContain('25 out');

    await page.goto(`${e2e.server.url}/usage`);
    await expect.poll(() => page.locator('.runs-table tbody tr').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('usage-totals').innerText()).toMatch(/1\s+runs/);
    expect(await page.locator('.usage-chart rect.bar-output').count()).toBeGreaterThanOrEqual(30);
    await page.screenshot({ path: `${e2e.server.dataDir}/usage.png` });
    await context.close();
  });
});
