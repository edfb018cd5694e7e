import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readBody, UnexpectedResponseError } from './read-body';

const schema = z.object({ userId: z.string() });

/** A response as fetch returns it, with the URL it came from. */
function fetched(body: string): Response {
  const response = new Response(body, { headers: { 'content-type': 'application/json' } });
  Object.defineProperty(response, 'url', { value: 'http://localhost:3000/api/session' });
  return response;
}

describe('readBody', () => {
  it('returns the parsed body', async () => {
    expect(await readBody(fetched('{"userId":"u1","token":"dropped"}'), schema)).toEqual({ userId: 'u1' });
  });

  it('turns a body of another shape into an UnexpectedResponseError naming the route and the field', async () => {
    const reading = readBody(fetched('{"user":"u1"}'), schema);
    await expect(reading).rejects.toBeInstanceOf(UnexpectedResponseError);
    await expect(reading).rejects.toThrow('Unexpected response from /api/session: userId: Invalid input: expected string, received undefined');
  });

  it('turns a body that is not JSON (a proxy error page, say) into an UnexpectedResponseError', async () => {
    const reading = readBody(fetched('<html>Bad gateway</html>'), schema);
    await expect(reading).rejects.toBeInstanceOf(UnexpectedResponseError);
    await expect(reading).rejects.toThrow('Unexpected response from /api/session: the body could not be read as JSON');
  });
});
