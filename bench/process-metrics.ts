import { readdir, readFile } from 'node:fs/promises';

const clockTicksPerSecond = 100;

async function processTree(rootPid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[1]) parents.set(Number(entry), Number(fields[1]));
  }
  const tree = [rootPid];
  for (let index = 0; index < tree.length; index++) {
    for (const [pid, parent] of parents) if (parent === tree[index]) tree.push(pid);
  }
  return tree;
}

async function sample(pids: number[]): Promise<{ cpuSeconds: number; rssMb: number }> {
  let ticks = 0;
  let rssKb = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return { cpuSeconds: ticks / clockTicksPerSecond, rssMb: rssKb / 1024 };
}

/**
 * Samples a server's process tree (CPU time and resident memory) while a workload runs:
 * `stop()` returns the CPU it used as a share of one core, and its peak RSS.
 */
export async function watchProcess(rootPid: number, intervalMs = 100) {
  const pids = await processTree(rootPid);
  const first = await sample(pids);
  const startedAt = performance.now();
  let peakRssMb = first.rssMb;
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(async () => {
      peakRssMb = Math.max(peakRssMb, (await sample(pids)).rssMb);
    });
  }, intervalMs);
  return {
    async stop(): Promise<{ cpuPercentOfOneCore: number; peakRssMb: number }> {
      clearInterval(timer);
      await sampling;
      const last = await sample(pids);
      const seconds = (performance.now() - startedAt) / 1000;
      return { cpuPercentOfOneCore: Math.round(((last.cpuSeconds - first.cpuSeconds) / seconds) * 100), peakRssMb: Math.round(Math.max(peakRssMb, last.rssMb)) };
    },
  };
}
