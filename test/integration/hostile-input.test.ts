import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSession, postChatWith, readChunks, runIdOf, type Session, userMessage, waitForRunEnd } from '../support/chat-client';
import { type RawRequest, type RawResponse, rawRequest } from '../support/raw-request';
import { useTestServer } from '../support/server';
import { type HostileRow, hostileRows, type World } from './hostile-requests';

// Known to the test so it can sign tokens that are valid except for one detail.
const authSecret = randomBytes(36).toString('base64url');
const fixture = useTestServer({ env: { MAX_REQUEST_BYTES: '65536', MAX_MESSAGE_CHARS: '2000', AUTH_SECRET: authSecret } });
const aliceSecretWords = 'Secret heist plans';
let world: World;
let stateBefore: unknown;

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function forgeTokens(alice: Session, bob: Session): Promise<World['forged']> {
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: { secret?: string; alg?: string; sub?: string; iss?: string; exp?: number }) =>
    new SignJWT({})
      .setProtectedHeader({ alg: claims.alg ?? 'HS256' })
      .setSubject(claims.sub ?? alice.userId)
      .setIssuer(claims.iss ?? 'durable-chat')
      .setIssuedAt(now - 100)
      .setExpirationTime(claims.exp ?? now + 3600)
      .sign(new TextEncoder().encode(claims.secret ?? authSecret));
  const [aliceHeader, alicePayload, aliceSignature] = alice.token.split('.');
  return {
    otherSecret: await sign({ secret: 'x'.repeat(48) }),
    expired: await sign({ exp: now - 10 }),
    algNone: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: alice.userId, iss: 'durable-chat', iat: now, exp: now + 3600 })}.`,
    hs512: await sign({ alg: 'HS512' }),
    wrongIssuer: await sign({ iss: 'someone-else' }),
    badSubject: await sign({ sub: '../admin' }),
    unsigned: `${aliceHeader}.${alicePayload}.`,
    swappedSubject: `${aliceHeader}.${bob.token.split('.')[1]}.${aliceSignature}`,
  };
}

/** One finished turn: its thread, message and run ids. */
async function finishedTurn(url: string, session: Session, text: string) {
  const threadId = randomUUID();
  const message = userMessage(`${text} [[sim words=8 tps=0]]`);
  const response = await postChatWith(url, session.token, { id: threadId, messages: [message] });
  const runId = runIdOf(response);
  await readChunks(response);
  await waitForRunEnd(url, session.token, runId);
  return { threadId, messageId: message.id, runId };
}

/** Everything the table could change: each user's threads and usage, alice's and carol's turns. */
async function snapshotState() {
  const read = async (session: Session, path: string) => {
    const response = await rawRequest(fixture.server.url, { method: 'GET', path, headers: { authorization: `Bearer ${session.token}` } });
    expect(response.status, `${path}: ${response.text}`).toBe(200);
    return JSON.parse(response.text) as unknown;
  };
  const { alice, bob, carol } = world;
  return {
    alice: await Promise.all(
      ['/api/threads', `/api/threads/${world.aliceThreadId}`, `/api/chat/${world.aliceRunId}`, `/api/billing/runs/${world.aliceRunId}`, '/api/billing/usage'].map((path) => read(alice, path)),
    ),
    bob: await Promise.all(['/api/threads', '/api/billing/usage'].map((path) => read(bob, path))),
    carol: await Promise.all(['/api/threads', `/api/threads/${world.carolThreadId}`, `/api/chat/${world.carolRunId}`, '/api/billing/usage'].map((path) => read(carol, path))),
  };
}

beforeAll(async () => {
  const { url } = fixture.server;
  const [alice, bob, carol] = await Promise.all([createSession(url), createSession(url), createSession(url)]);
  const [aliceTurn, carolTurn] = await Promise.all([finishedTurn(url, alice, aliceSecretWords), finishedTurn(url, carol, 'Carol asks')]);
  world = {
    alice,
    bob,
    carol,
    aliceThreadId: aliceTurn.threadId,
    aliceMessageId: aliceTurn.messageId,
    aliceRunId: aliceTurn.runId,
    carolThreadId: carolTurn.threadId,
    carolMessageId: carolTurn.messageId,
    carolRunId: carolTurn.runId,
    forged: await forgeTokens(alice, bob),
  };
  stateBefore = await snapshotState();
});

const resolve = <T>(value: T | ((world: World) => T)): T => (typeof value === 'function' ? (value as (world: World) => T)(world) : value);

function requestOf(row: HostileRow): RawRequest {
  const body = row.body === undefined ? undefined : resolve(row.body);
  const as = row.as ?? 'alice';
  const authorization = row.authorization ? resolve(row.authorization) : as === 'nobody' ? undefined : `Bearer ${world[as].token}`;
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(authorization === undefined ? {} : { authorization }),
    ...(row.headers ? resolve(row.headers) : {}),
  };
  for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
  return { method: row.method, path: resolve(row.path), headers, body, chunked: row.chunked };
}

/** Nothing of alice's in an answer to anyone else, except what that request itself named. */
function expectNothingOfAlice(row: HostileRow, request: RawRequest, response: RawResponse) {
  if ((row.as ?? 'alice') === 'alice' && !row.authorization) return;
  const sent = `${request.path} ${JSON.stringify(request.headers)} ${request.body?.toString() ?? ''}`;
  const aliceData = { title: aliceSecretWords, messageId: world.aliceMessageId, runId: world.aliceRunId, threadId: world.aliceThreadId, userId: world.alice.userId };
  for (const [what, value] of Object.entries(aliceData)) {
    if (!sent.includes(value)) expect(response.text.includes(value), `the answer holds alice's ${what}`).toBe(false);
  }
}

describe('hostile input gets the right 4xx JSON error and changes nothing', () => {
  it.each(hostileRows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const request = requestOf(row);
    const responses = await Promise.all(Array.from({ length: row.times ?? 1 }, () => rawRequest(fixture.server.url, request)));
    for (const response of responses) {
      expect(response.status, response.text.slice(0, 300)).toBe(row.status);
      if (row.code !== null) {
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        const { error } = JSON.parse(response.text) as { error: { code: string; message: string } };
        expect(error.code).toBe(row.code);
        expect(typeof error.message).toBe('string');
      }
      row.check?.(response, world);
      expect(response.text.includes(authSecret), 'the answer holds the auth secret').toBe(false);
      expectNothingOfAlice(row, request, response);
    }
  });

  it('covers every category with enough rows', () => {
    const perCategory = Map.groupBy(hostileRows, (row) => row.name.split(':')[0]);
    expect([...perCategory.keys()].sort()).toEqual(['auth', 'ids', 'json', 'method', 'repeat', 'size', 'types', 'unicode']);
    for (const [category, rows] of perCategory) expect(rows.length, category).toBeGreaterThanOrEqual(5);
  });

  it("left every user's threads, turns, runs and usage exactly as they were", async () => {
    expect(await snapshotState()).toEqual(stateBefore);
  });

  it('never logged a secret, a token or a forged credential, and never failed inside a handler', () => {
    const output = fixture.server.output();
    const secrets = {
      authSecret,
      aliceToken: world.alice.token,
      bobToken: world.bob.token,
      carolToken: world.carol.token,
      basicCredentials: 'YWRtaW46aHVudGVyMg==',
      ...world.forged,
    };
    for (const [what, value] of Object.entries(secrets)) expect(output.includes(value), `the server output holds ${what}`).toBe(false);
    expect(output).not.toContain('unhandled error in route handler');
  });
});
