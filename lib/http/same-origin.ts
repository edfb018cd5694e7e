import { AppError } from '../errors';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origin the client addressed: the proxy's forwarded host when there is one, else Host. */
function addressedHost(request: Request): string | undefined {
  return request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() || request.headers.get('host') || undefined;
}

/**
 * Refuses a state-changing request another site made the browser send (a form posted from
 * elsewhere, a cross-site fetch). Browsers say where a request comes from in `Sec-Fetch-Site`,
 * and older ones in `Origin`; clients that are not browsers send neither and are judged by their
 * credentials alone.
 */
export function assertSameOrigin(request: Request): void {
  if (safeMethods.has(request.method)) return;
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') {
    throw new AppError('forbidden:cross_site', 'Requests from other sites are not accepted');
  }
  const origin = request.headers.get('origin');
  if (!origin) return;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError('forbidden:cross_site', 'Requests from other sites are not accepted');
  }
  if (originHost !== addressedHost(request)) throw new AppError('forbidden:cross_site', 'Requests from other sites are not accepted');
}

/**
 * Whether the client reached us over HTTPS, also behind a proxy that terminates TLS and says so
 * in `X-Forwarded-Proto` or `Forwarded: proto=https`. A client that claims HTTPS falsely only
 * denies itself its own cookie.
 */
export function isSecureRequest(request: Request): boolean {
  if (new URL(request.url).protocol === 'https:') return true;
  if (request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https') return true;
  const forwarded = request.headers.get('forwarded');
  return forwarded !== null && /(?:^|[;,\s])proto="?https"?(?:[;,\s]|$)/i.test(forwarded);
}

/**
 * The client's address: Next.js puts the socket's address in `X-Forwarded-For` when the request
 * has none, and a reverse proxy appends the address it saw, so the last entry is the one a
 * client controls least. Without a proxy a client can still send the header itself, so what
 * rests on this address (the session creation limit) is backed by limits no address escapes.
 */
export function clientAddress(request: Request): string {
  return request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim() || 'unknown';
}
