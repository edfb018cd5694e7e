import { request as httpRequest } from 'node:http';

export interface RawRequest {
  method: string;
  /** Sent exactly as given: no normalisation of `../`, no re-encoding. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body with chunked transfer encoding and no Content-Length. */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP/1.1 request over node:http rather than fetch, so a test can send what a browser would
 * not: raw `../` paths, a Content-Length that lies, chunked bodies, Latin-1 header bytes. A fresh
 * connection each time, so a request that breaks its connection cannot affect the next one.
 */
export function rawRequest(baseUrl: string, spec: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, method: spec.method, path: spec.path, headers: spec.headers, agent: false, signal: AbortSignal.timeout(5_000) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may answer (413, 431) and close before the whole body is out; that is its right.
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    const body = typeof spec.body === 'string' ? Buffer.from(spec.body, 'utf8') : spec.body;
    if (body && spec.chunked) {
      for (let offset = 0; offset < body.length; offset += 8192) request.write(body.subarray(offset, offset + 8192));
      request.end();
    } else {
      request.end(body);
    }
  });
}
