import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJson } from './read-json';

const schema = z.object({ text: z.string() });
const encoder = new TextEncoder();

/** A POST whose body arrives as `pieces`, then either ends or breaks off the way a dropped client does. */
function streamedRequest(pieces: string[], ending: 'end' | 'cut-off', headers: Record<string, string> = {}): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      if (ending === 'end') controller.close();
      else controller.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    },
  });
  return new Request('http://localhost/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    duplex: 'half',
  } as RequestInit);
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code,
  );

describe('readJson', () => {
  it('parses and validates a body that arrives in pieces', async () => {
    await expect(readJson(streamedRequest(['{"te', 'xt":"hé', 'llo"}'], 'end'), schema, 1_000)).resolves.toEqual({ text: 'héllo' });
  });

  it('answers a body cut off mid-read as the client’s bad request, not a server error', async () => {
    expect(await codeOf(readJson(streamedRequest(['{"text":"half'], 'cut-off'), schema, 1_000))).toBe('bad_request:body');
  });

  it('refuses a body over the limit while it streams, whatever Content-Length claimed', async () => {
    const pieces = Array.from({ length: 10 }, () => 'x'.repeat(200));
    expect(await codeOf(readJson(streamedRequest(pieces, 'end', { 'content-length': '10' }), schema, 1_000))).toBe('payload_too_large:body');
    expect(await codeOf(readJson(streamedRequest(['{}'], 'end', { 'content-length': '5000' }), schema, 1_000))).toBe('payload_too_large:body');
  });

  it('tells bad encoding, bad JSON, a wrong shape and a wrong media type apart', async () => {
    const invalidUtf8 = new Request('http://localhost/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    });
    expect(await codeOf(readJson(invalidUtf8, schema, 1_000))).toBe('bad_request:json');
    expect(await codeOf(readJson(streamedRequest(['{"text":'], 'end'), schema, 1_000))).toBe('bad_request:json');
    expect(await codeOf(readJson(streamedRequest(['{"text":1}'], 'end'), schema, 1_000))).toBe('bad_request:body');
    expect(await codeOf(readJson(streamedRequest(['{}'], 'end', { 'content-type': 'text/plain' }), schema, 1_000))).toBe('unsupported_media_type:body');
  });
});
