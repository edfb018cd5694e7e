import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createResilientFetch, StalledStreamError } from './resilient-fetch';

const noWait = () => Promise.resolve();
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function freeUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('createResilientFetch', () => {
  it('rides out a server that is restarting (connection refused), then gets through', async () => {
    const url = await freeUrl();
    const port = Number(new URL(url).port);
    const states: boolean[] = [];
    let attempts = 0;
    const fetchWithRetry = createResilientFetch({
      onReconnecting: (reconnecting) => states.push(reconnecting),
      sleep: async () => {
        attempts++;
        // The "restart" finishes after the second failed attempt.
        if (attempts === 2) {
          server = createServer((_request, response) => response.end('back'));
          await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
        }
      },
    });
    const response = await fetchWithRetry(`${url}/api/chat/wrun_x/stream?startIndex=3`);
    expect(await response.text()).toBe('back');
    expect(states).toEqual([true, true, false]);
  });

  it('retries 503 responses but hands other errors straight to the caller', async () => {
    let calls = 0;
    server = createServer((_request, response) => {
      calls++;
      response.writeHead(calls < 3 ? 503 : 404).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await createResilientFetch({ sleep: noWait })(`http://127.0.0.1:${port}/api/chat`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(calls).toBe(3);
  });

  it('gives up on a stream that keeps ending without progress instead of looping', async () => {
    let calls = 0;
    server = createServer((_request, response) => {
      calls++;
      response.end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const delays: number[] = [];
    const fetchWithRetry = createResilientFetch({ sleep: async (ms) => void delays.push(ms), maxStalledReconnects: 4 });
    const reconnect = () => fetchWithRetry(`http://127.0.0.1:${port}/api/chat/wrun_a/stream?startIndex=7`);
    for (let index = 0; index < 5; index++) await reconnect();
    await expect(reconnect()).rejects.toBeInstanceOf(StalledStreamError);
    expect(calls).toBe(5);
    expect(delays).toEqual([250, 500, 1000, 2000]);
    // Progress (a higher startIndex) resets the count.
    await fetchWithRetry(`http://127.0.0.1:${port}/api/chat/wrun_a/stream?startIndex=9`);
    expect(calls).toBe(6);
  });
});
