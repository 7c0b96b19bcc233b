import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { Browser } from 'playwright';

/**
 * Memory of a Chromium process tree, read from /proc (Linux), so a browser that has grown too large can be
 * replaced. Playwright does not expose a launched browser's pid; Chromium reports it over CDP.
 *
 * Memory is counted as PSS (proportional set size: each shared page split between the processes sharing it),
 * the tree's real share of RAM. Summing RSS instead counts Chromium's shared pages once per process and reads
 * about three times too high (1.7 GB against 0.5 GB for a browser with four tabs).
 */

interface ProcessInfo {
  processInfo: { type: string; id: number }[];
}

/** The pid of the browser's main process, or null when Chromium would not say. */
export async function browserPid(browser: Browser): Promise<number | null> {
  const session = await browser.newBrowserCDPSession();
  try {
    const info = (await session.send('SystemInfo.getProcessInfo')) as ProcessInfo;
    return info.processInfo.find((p) => p.type === 'browser')?.id ?? null;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** The parent pid in a /proc/<pid>/stat line (the command name may hold spaces and parentheses). */
function parentIn(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function descend(pid: number, parents: [number, number][]): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of parents) children.set(parent, [...(children.get(parent) ?? []), child]);
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

const pids = (entries: string[]) => entries.filter((e) => /^\d+$/.test(e)).map(Number);

/** `pid` and every process below it, alive now. */
export function processTree(pid: number): number[] {
  const parents: [number, number][] = [];
  for (const child of pids(readdirSync('/proc'))) {
    try {
      parents.push([child, parentIn(readFileSync(`/proc/${child}/stat`, 'utf8'))]);
    } catch {
      // Ended while we looked.
    }
  }
  return descend(pid, parents);
}

async function processTreeAsync(pid: number): Promise<number[]> {
  const parents = await Promise.all(
    pids(await readdir('/proc')).map(async (child): Promise<[number, number] | null> => {
      try {
        return [child, parentIn(await readFile(`/proc/${child}/stat`, 'utf8'))];
      } catch {
        return null;
      }
    }),
  );
  return descend(pid, parents.filter((p) => p !== null));
}

/**
 * Bytes of a "<field>: <n> kB" line of a /proc file: `Pss` in smaps_rollup, `VmRSS` in status. 0 when absent.
 */
export function procBytes(text: string, field: 'Pss' | 'VmRSS'): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
}

/** PSS of one process in bytes, or its RSS where smaps_rollup is missing (kernels before 4.14); 0 once gone. */
async function memoryOf(pid: number): Promise<number> {
  try {
    return procBytes(await readFile(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
  } catch {
    try {
      return procBytes(await readFile(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
    } catch {
      return 0;
    }
  }
}

/** The memory `pid` and its descendants hold together, in bytes (PSS; see above). 0 when /proc is unreadable. */
export async function processTreeMemoryBytes(pid: number): Promise<number> {
  try {
    const sizes = await Promise.all((await processTreeAsync(pid)).map(memoryOf));
    return sizes.reduce((a, b) => a + b, 0);
  } catch {
    return 0;
  }
}
