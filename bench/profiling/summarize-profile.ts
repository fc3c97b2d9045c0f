import { readFile } from 'node:fs/promises';

/*
 * Where a --cpu-prof profile spends its time: self time per function and per package,
 * the figures docs/benchmarks.md quotes. Usage: node dist/bench/profiling/summarize-profile.js
 * bench/results/profiles/<file>.cpuprofile [top] [regex of functions to show inclusive time for]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + 'node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  if (url.includes('/dist/src/')) return 'service code';
  if (url.startsWith('node:') || url === '') return 'node internals / native';
  return url;
}

function top(totals: Map<string, number>, all: number, count: number): string[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => `${((100 * micros) / all).toFixed(1).padStart(5)} %  ${name}`);
}

async function main(): Promise<void> {
  const [file, count = '25', inclusivePattern] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: summarize-profile <file.cpuprofile> [top]');
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined || frame.functionName === '(idle)') return;
    const micros = profile.timeDeltas[i] ?? 0;
    all += micros;
    const where = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '');
    const name = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const pkg = packageOf(frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
  });
  console.log(`busy time: ${(all / 1e6).toFixed(2)} s\n\nby package:`);
  console.log(top(byPackage, all, 15).join('\n'));
  console.log('\nby function (self time):');
  console.log(top(byFunction, all, Number(count)).join('\n'));
  if (inclusivePattern !== undefined) {
    console.log(`\ninclusive time of functions matching /${inclusivePattern}/:`);
    console.log(top(inclusiveTimes(profile, new RegExp(inclusivePattern)), all, 40).join('\n'));
  }
}

// Time spent in a function and everything it called; a function found again below itself
// is counted once.
function inclusiveTimes(profile: CpuProfile, pattern: RegExp): Map<string, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  const visit = (id: number, open: Set<string>): number => {
    const node = byId.get(id);
    if (node === undefined) return 0;
    const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '')}:${node.callFrame.lineNumber + 1}`;
    const counted = pattern.test(name) && !open.has(name);
    if (counted) open.add(name);
    let time = self.get(id) ?? 0;
    for (const child of node.children ?? []) time += visit(child, open);
    if (counted) {
      open.delete(name);
      totals.set(name, (totals.get(name) ?? 0) + time);
    }
    return time;
  };
  visit(profile.nodes[0].id, new Set());
  return totals;
}

await main();
