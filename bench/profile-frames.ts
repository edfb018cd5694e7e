/** Self time from a V8 `.cpuprofile` (what `node --cpu-prof` writes), by frame and by package. */

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/**
 * The part of a profile from `fromMicros` after its start on: the load alone, without the server's
 * start and the modules it compiles on its first requests.
 */
export function profileFrom(profile: CpuProfile, fromMicros: number): CpuProfile {
  let elapsed = 0;
  const first = profile.timeDeltas.findIndex((delta) => {
    elapsed += delta;
    return elapsed >= fromMicros;
  });
  const from = first < 0 ? profile.samples.length : first;
  return { ...profile, samples: profile.samples.slice(from), timeDeltas: profile.timeDeltas.slice(from) };
}

export interface SelfTime {
  name: string;
  where: string;
  percent: number;
}

function selfMicros(profile: CpuProfile): Map<number, number> {
  const byNode = new Map<number, number>();
  profile.samples.forEach((node, index) => {
    byNode.set(node, (byNode.get(node) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return byNode;
}

const shortUrl = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|\.next)\//, '$1/');

/**
 * Where a frame's code comes from: the package under node_modules, the app's server bundle
 * (Next.js and workflow bundles inline most packages), Node's own modules, or V8's pseudo-frames.
 */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const nested = url.lastIndexOf('node_modules/');
  const match = nested >= 0 ? /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.slice(nested)) : null;
  if (match?.[1]) return match[1];
  if (url.includes('/.next/')) return `.next bundle (${url.includes('__') ? url.slice(url.lastIndexOf('/') + 1, url.lastIndexOf('/') + 40) : 'server'})`;
  return shortUrl(url);
}

/** Self time summed per key of a node's frame, as shares of the whole profile, largest first. */
function selfTimeBy(profile: CpuProfile, keyOf: (frame: CpuProfile['nodes'][number]['callFrame']) => string, count: number): Array<{ key: string; percent: number }> {
  const self = selfMicros(profile);
  const all = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0) || 1;
  const byKey = new Map<string, number>();
  for (const node of profile.nodes) {
    const micros = self.get(node.id);
    if (micros) byKey.set(keyOf(node.callFrame), (byKey.get(keyOf(node.callFrame)) ?? 0) + (micros / all) * 100);
  }
  return [...byKey.entries()]
    .map(([key, percent]) => ({ key, percent }))
    .sort((a, b) => b.percent - a.percent)
    .slice(0, count);
}

const frameName = (functionName: string) => functionName || '(anonymous)';
const frameWhere = (url: string, lineNumber: number) => (url ? `${shortUrl(url)}:${lineNumber + 1}` : '');

/** The frames that spent the most time themselves (not in their callees). */
export function topFrames(profile: CpuProfile, count: number): SelfTime[] {
  return selfTimeBy(profile, ({ functionName, url, lineNumber }) => `${frameName(functionName)}\u0000${frameWhere(url, lineNumber)}`, count).map(({ key, percent }) => {
    const [name = '', where = ''] = key.split('\u0000');
    return { name, where, percent };
  });
}

/** Self time summed per package (see `packageOf`). */
export function topPackages(profile: CpuProfile, count: number): Array<{ name: string; percent: number }> {
  return selfTimeBy(profile, ({ url, functionName }) => packageOf(url, functionName), count).map(({ key, percent }) => ({ name: key, percent }));
}
