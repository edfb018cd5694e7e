import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBrowser } from '../support/browser';
import { type TestServer, useTestServer } from '../support/server';
import { sendMessage, waitForStatus } from './chat-page';

const serverFixture = useTestServer();
const browserFixture = useBrowser();
let server: TestServer;
let browser: Browser;

beforeAll(() => {
  server = serverFixture.server;
  browser = browserFixture.browser;
});

describe('the usage page', () => {
  it("shows the user's charged runs, totals and a chart", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForURL(/\/chat\//);
    await sendMessage(page, 'Count my tokens [[sim words=25 tps=0]]');
    await expect.poll(() => page.getByTestId('turn-usage').count(), { timeout: 20_000 }).toBe(1);
    await waitForStatus(page, 'ready');
    expect(await page.getByTestId('turn-usage').innerText()).toContain('25 out');

    await page.goto(`${server.url}/usage`);
    await expect.poll(() => page.locator('.runs-table tbody tr').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('usage-totals').innerText()).toMatch(/1\s+runs/);
    expect(await page.locator('.usage-chart rect.bar-output').count()).toBeGreaterThanOrEqual(30);
    await page.screenshot({ path: `${server.dataDir}/usage.png` });
    await page.close();
  });
});
