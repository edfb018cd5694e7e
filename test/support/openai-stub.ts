import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback server speaking the OpenAI chat-completions streaming protocol, so tests drive the
 * real provider code (HTTP, SSE parsing, usage, errors, aborts) without a vendor. The last user
 * message steers it: `[[stub unauthorized]]` answers 401, otherwise it streams `words` words.
 */
export interface OpenAIStub {
  baseURL: string;
  requests: Array<{ model: string; lastUserText: string }>;
  close: () => Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<any> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return JSON.parse(text);
}

function lastUserText(body: any): string {
  const user = [...(body.messages ?? [])].reverse().find((message: any) => message.role === 'user');
  if (!user) return '';
  return typeof user.content === 'string' ? user.content : user.content.map((part: any) => part.text ?? '').join('');
}

export const stubWords = ['Loopback', 'providers', 'make', 'tests', 'honest', 'and', 'fast.'];

export async function startOpenAIStub(): Promise<OpenAIStub> {
  const requests: OpenAIStub['requests'] = [];
  const server: Server = createServer(async (request, response) => {
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404).end();
      return;
    }
    const body = await readBody(request);
    const text = lastUserText(body);
    requests.push({ model: body.model, lastUserText: text });
    if (text.includes('[[stub unauthorized]]')) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const id = `chatcmpl-${requests.length}`;
    const send = (payload: unknown) => response.write(`data: ${JSON.stringify(payload)}\n\n`);
    const chunk = (delta: object, finishReason: string | null = null) => ({ id, object: 'chat.completion.chunk', created: 1, model: body.model, choices: [{ index: 0, delta, finish_reason: finishReason }] });
    send(chunk({ role: 'assistant', content: '' }));
    for (const [index, word] of stubWords.entries()) send(chunk({ content: index === 0 ? word : ` ${word}` }));
    send(chunk({}, 'stop'));
    send({ id, object: 'chat.completion.chunk', created: 1, model: body.model, choices: [], usage: { prompt_tokens: 11, completion_tokens: stubWords.length, total_tokens: 11 + stubWords.length } });
    response.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
