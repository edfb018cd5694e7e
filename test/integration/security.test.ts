import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { assemble, getJson, getStream, postChat, postChatWith, readChunks, runIdOf, type Session, stopRun, textOf, userMessage, waitForRunEnd } from '../support/chat-client';
import { rawRequest } from '../support/raw-request';
import { useTestServer } from '../support/server';

// Known to the test so it can sign tokens that are valid except for one detail.
const authSecret = randomBytes(36).toString('base64url');
const limits = { sessions: 6, globalActiveRuns: 3 };
const fixture = useTestServer({
  env: { AUTH_SECRET: authSecret, RATE_LIMIT_SESSIONS: String(limits.sessions), RATE_LIMIT_GLOBAL_ACTIVE_RUNS: String(limits.globalActiveRuns), RATE_LIMIT_ACTIVE_RUNS: '4' },
});

/** Each test that creates sessions does so from an address of its own, as another client would. */
function sessionFrom(address: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${fixture.server.url}/api/session`, { method: 'POST', headers: { 'x-forwarded-for': address, ...headers } });
}

async function newUser(address = `198.51.100.${Math.floor(Math.random() * 250)}`): Promise<Session> {
  const response = await sessionFrom(address);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Session;
}

async function finishedTurn(session: Session, text: string) {
  const threadId = randomUUID();
  const response = await postChat(fixture.server.url, session.token, threadId, text);
  expect(response.status).toBe(200);
  const runId = runIdOf(response);
  const chunks = await readChunks(response);
  await waitForRunEnd(fixture.server.url, session.token, runId);
  return { threadId, runId, chunks };
}

async function accountOf(session: Session) {
  const { url } = fixture.server;
  return Promise.all(['/api/threads', '/api/billing/usage', '/api/runs'].map(async (path) => (await getJson(url, session.token, path)).body));
}

describe('the workflow endpoints answer only the app’s own queue', () => {
  it('refuses forged queue deliveries to /flow, /step and /webhook, and starts nothing', async () => {
    const victim = await newUser();
    const { runId } = await finishedTurn(victim, 'Victim asks [[sim words=6 tps=0]]');
    const before = await accountOf(victim);
    const vqs = (queue: string) => ({ 'content-type': 'application/json', 'x-vqs-queue-name': queue, 'x-vqs-message-id': `msg_${randomUUID()}`, 'x-vqs-message-attempt': '1' });
    const forged = [
      { path: '/.well-known/workflow/v1/flow', headers: vqs('__wkf_workflow_workflow//./workflows/chat/index//chatTurnWorkflow'), body: { runId } },
      { path: '/.well-known/workflow/v1/flow', headers: { ...vqs('__wkf_workflow_x'), 'x-workflow-queue-auth': 'guessed' }, body: { runId } },
      {
        path: '/.well-known/workflow/v1/step',
        headers: vqs('__wkf_step_step//./workflows/chat/steps/finish-turn//finishTurn'),
        body: { workflowName: 'chatTurnWorkflow', workflowRunId: runId, workflowStartedAt: Date.now(), stepId: 'step_forged' },
      },
      { path: `/.well-known/workflow/v1/webhook/${randomUUID()}`, headers: { 'content-type': 'application/json' }, body: { approved: true } },
    ];
    for (const request of forged) {
      const response = await rawRequest(fixture.server.url, { method: 'POST', path: request.path, headers: request.headers, body: JSON.stringify(request.body) });
      expect(response.status, `${request.path}: ${response.text}`).toBe(404);
    }
    expect(await accountOf(victim)).toEqual(before);
  });
});

describe('sessions', () => {
  it('limits new sessions per client address, and other addresses are unaffected', async () => {
    const statuses = [];
    for (let i = 0; i < limits.sessions + 2; i++) statuses.push((await sessionFrom('203.0.113.7')).status);
    expect(statuses).toEqual([...Array(limits.sessions).fill(200), 429, 429]);
    const refused = await sessionFrom('203.0.113.7');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited:sessions');
    expect((await sessionFrom('203.0.113.8')).status).toBe(200);
  });

  it('refuses a cross-site post and never replaces a valid session', async () => {
    const alice = await newUser();
    const crossSite = await sessionFrom('198.51.100.20', {
      cookie: `durable_chat_session=${alice.token}`,
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
    const sameSite = await sessionFrom('198.51.100.20', { cookie: `durable_chat_session=${alice.token}`, origin: fixture.server.url, 'sec-fetch-site': 'same-origin' });
    expect(sameSite.status).toBe(200);
    expect(((await sameSite.json()) as Session).userId).toBe(alice.userId);
    const crossSiteChat = await postChat(fixture.server.url, alice.token, randomUUID(), 'hi', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}`, 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSiteChat.status).toBe(403);
  });

  it('refuses a token without an expiry, and a signed-out token', async () => {
    const alice = await newUser();
    const noExpiry = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(alice.userId).setIssuer('durable-chat').setIssuedAt().sign(new TextEncoder().encode(authSecret));
    expect((await getJson(fixture.server.url, noExpiry, '/api/threads')).status).toBe(401);
    expect((await getJson(fixture.server.url, alice.token, '/api/threads')).status).toBe(200);
    const signOut = await fetch(`${fixture.server.url}/api/session`, { method: 'DELETE', headers: { authorization: `Bearer ${alice.token}` } });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await getJson(fixture.server.url, alice.token, '/api/threads')).status).toBe(401);
  });

  it('marks the cookie Secure behind a proxy that terminated TLS', async () => {
    const proxied: Record<string, string>[] = [{ forwarded: 'for=192.0.2.60;proto=https' }, { 'x-forwarded-proto': 'https' }];
    for (const header of proxied) {
      const response = await sessionFrom('198.51.100.30', header);
      expect(response.headers.get('set-cookie')).toMatch(/; Secure/);
    }
    expect((await sessionFrom('198.51.100.31')).headers.get('set-cookie')).not.toMatch(/; Secure/);
  });
});

describe('limits no new identity escapes', () => {
  it('admits at most the installation’s active runs, whoever asks', async () => {
    const users = await Promise.all([0, 1, 2].map((i) => newUser(`192.0.2.${i + 1}`)));
    const attempts = users.flatMap((user) => [0, 1].map(() => ({ user, threadId: randomUUID() })));
    const responses = await Promise.all(attempts.map(({ user, threadId }) => postChat(fixture.server.url, user.token, threadId, 'Slow one [[sim words=400 tps=20]]')));
    const admitted = responses.filter((response) => response.status === 200);
    const refused = responses.filter((response) => response.status === 429);
    expect(admitted).toHaveLength(limits.globalActiveRuns);
    expect(refused).toHaveLength(attempts.length - limits.globalActiveRuns);
    for (const response of refused) expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limited:server_busy');
    await Promise.all(
      admitted.map(async (response) => {
        const runId = runIdOf(response);
        const owner = attempts[responses.indexOf(response)]!.user;
        await response.body?.cancel();
        await stopRun(fixture.server.url, owner.token, runId);
        await waitForRunEnd(fixture.server.url, owner.token, runId);
      }),
    );
    const again = users[0]!;
    const after = await postChat(fixture.server.url, again.token, randomUUID(), 'After [[sim words=4 tps=0]]');
    expect(after.status).toBe(200);
    await readChunks(after);
  });
});

describe('the simulated model and the stream API', () => {
  it('caps the reply one message can ask of the simulated model', async () => {
    const user = await newUser();
    // The same prompt always yields the same text, so a clamped request equals one at the cap.
    const flood = await finishedTurn(user, 'Flood [[sim words=100000 tps=0]]');
    const atCap = await finishedTurn(user, 'Flood [[sim words=2000 tps=0]]');
    const text = textOf(await assemble(flood.chunks));
    expect(text.split(/\s+/).length).toBeGreaterThan(1_000);
    expect(text).toBe(textOf(await assemble(atCap.chunks)));
  });

  it('answers a read past the end of a finished stream at once, with 400', async () => {
    const user = await newUser();
    const { runId, chunks } = await finishedTurn(user, 'Short [[sim words=4 tps=0]]');
    for (const startIndex of [chunks.length + 1, 50, 1000]) {
      const response = await getStream(fixture.server.url, user.token, runId, startIndex, { signal: AbortSignal.timeout(20_000) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('bad_request:start_index');
    }
    const all = await readChunks(await getStream(fixture.server.url, user.token, runId, 0));
    expect(all).toEqual(chunks);

    // A live run: no reader can be more than one chunk ahead of what was written.
    const live = await postChat(fixture.server.url, user.token, randomUUID(), 'Long [[sim words=400 tps=20]]');
    const liveRunId = runIdOf(live);
    await readChunks(live, 2);
    const ahead = await getStream(fixture.server.url, user.token, liveRunId, 1000, { signal: AbortSignal.timeout(20_000) });
    expect(ahead.status).toBe(400);
    await ahead.body?.cancel();
    await stopRun(fixture.server.url, user.token, liveRunId);
    await waitForRunEnd(fixture.server.url, user.token, liveRunId);
  });

  it('gives a message id to one user only, however the two race', async () => {
    for (let round = 0; round < 5; round++) {
      const [alice, bob] = await Promise.all([newUser(`192.0.2.${10 + round}`), newUser(`192.0.2.${20 + round}`)]);
      const messageId = `race-${randomUUID()}`;
      const threads = [randomUUID(), randomUUID()];
      const responses = await Promise.all(
        [alice, bob].map((user, i) => postChatWith(fixture.server.url, user.token, { id: threads[i], messages: [userMessage('Mine [[sim words=4 tps=0]]', messageId)] })),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
      const winner = responses.findIndex((response) => response.status === 200);
      const owner = [alice, bob][winner]!;
      await readChunks(responses[winner]!);
      await waitForRunEnd(fixture.server.url, owner.token, runIdOf(responses[winner]!));
      const thread = (await getJson(fixture.server.url, owner.token, `/api/threads/${threads[winner]}`)).body as { messages: { id: string; role: string }[] };
      expect(thread.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
      expect(thread.messages[0]!.id).toBe(messageId);
      await responses[1 - winner]!.body?.cancel();
    }
  });
});

describe('response headers', () => {
  it('sets the security headers and does not advertise the framework', async () => {
    for (const path of ['/', '/api/health']) {
      const response = await fetch(`${fixture.server.url}${path}`);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('x-powered-by')).toBeNull();
      await response.body?.cancel();
    }
  });
});
