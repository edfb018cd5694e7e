/**
 * PostgreSQL refusing work for lack of capacity rather than because the request was wrong:
 * SQLSTATE class 53 (too many connections, out of memory, disk full) and 57P03 (starting up or
 * shutting down). Libraries wrap the driver's error, so the whole `cause` chain is searched.
 */
export function isDatabaseOverloaded(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (typeof current !== 'object') return false;
    const code = 'code' in current ? current.code : undefined;
    if (typeof code === 'string' && (code.startsWith('53') || code === '57P03')) return true;
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}
