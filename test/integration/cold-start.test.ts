import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { validateUIStream } from '../../lib/stream/validate-stream';
import { createSession, postChat, readChunks } from '../support/chat-client';
import { useTestServer } from '../support/server';

const fixture = useTestServer();

const idleClients: net.Socket[] = [];
afterAll(() => {
  for (const socket of idleClients) socket.destroy();
});

/**
 * Connections the server holds while its first turn starts, the way the open tabs of a busy
 * instance are. Each comes from its own loopback address (all of 127/8 is local on Linux), which
 * no hosts file names: resolving any of them back to a name has to ask DNS.
 */
async function openIdleClients(port: number, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: `127.0.0.${2 + (index % 200)}` });
    idleClients.push(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  }
}

/** Asks for /api/health one request after another until `done`; the slowest answer in ms. */
async function slowestHealthAnswer(url: string, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true));
  let slowest = 0;
  while (!finished) {
    const startedAt = performance.now();
    const response = await fetch(`${url}/api/health`);
    await response.body?.cancel();
    slowest = Math.max(slowest, performance.now() - startedAt);
  }
  return slowest;
}

describe('a fresh server with many connections open', () => {
  // The Workflow DevKit's port discovery (a diagnostic report, which reverse-resolves every open
  // socket unless told not to) froze the event loop on this process's first workflow replay and
  // step, health checks included: 15 s here with these 200 connections and DNS dropping the
  // lookups (186 ms for the slowest answer without the lookups). Where DNS answers every lookup
  // at once this cannot fail, but neither does the server freeze.
  it('keeps answering its health check while its first turn runs', async () => {
    const { url, port } = fixture.server;
    const session = await createSession(url);
    await openIdleClients(port, 200);

    const turn = postChat(url, session.token, randomUUID(), 'First turn of this process [[sim words=20 tps=0]]').then(readChunks);
    const slowest = await slowestHealthAnswer(url, turn);
    const chunks = await turn;
    console.log(`slowest health answer during the first turn: ${Math.round(slowest)} ms`);

    expect(validateUIStream(chunks)).toEqual([]);
    expect(chunks.at(-1)?.type).toBe('finish');
    // The freeze this guards against lasts tens of seconds; a loaded machine stays far below this.
    expect(slowest).toBeLessThan(5_000);
  });
});
