import type { Browser } from 'playwright-core';
import { useBrowser } from '../support/browser';
import { type StartOptions, type TestServer, useTestServer } from '../support/server';

/** A production server and a browser for one e2e file; read them inside tests. */
export function useE2E(options: StartOptions = {}): { readonly server: TestServer; readonly browser: Browser } {
  const serverFixture = useTestServer(options);
  const browserFixture = useBrowser();
  return {
    get server() {
      return serverFixture.server;
    },
    get browser() {
      return browserFixture.browser;
    },
  };
}
