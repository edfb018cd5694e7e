/**
 * Keeps Node's diagnostic reports off the network. The Workflow DevKit finds the server's port
 * on the first workflow replay and step of each process from a report (`@workflow/utils`
 * `getAllPorts`, called by `@workflow/core`'s `getPortLazy`, which no setting skips), and a report
 * resolves the address of every open socket by reverse DNS unless told not to. That is
 * synchronous: with a hundred clients connected and DNS not answering, it froze the server for
 * 20 s after each start. Without the lookups the report takes milliseconds and still lists the
 * listening port, by number.
 */
export function excludeNetworkFromReports(): void {
  process.report.excludeNetwork = true;
}

declare global {
  namespace NodeJS {
    interface ProcessReport {
      /** Leave network details (and their reverse DNS lookups) out of reports; Node ≥ 22.13, not yet in `@types/node`. */
      excludeNetwork: boolean;
    }
  }
}
