import { readFileSync } from 'node:fs';
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

/** The parent of a live process; 0 once it is gone. */
export function parentPid(pid: number): number {
  try {
    return parentIn(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
}

/**
 * `pid` and every process below it, alive now. Asynchronous: a worker with a few browsers has a hundred or more
 * processes, and reading each one's stat would hold its event loop for several milliseconds.
 */
export async function processTree(pid: number): Promise<number[]> {
  const parents = await Promise.all(
    (await readdir('/proc'))
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry): Promise<[number, number] | null> => {
        try {
          return [Number(entry), parentIn(await readFile(`/proc/${entry}/stat`, 'utf8'))];
        } catch {
          return null; // Ended while we looked.
        }
      }),
  );
  const children = new Map<number, number[]>();
  for (const [child, parent] of parents.filter((p) => p !== null)) children.set(parent, [...(children.get(parent) ?? []), child]);
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/**
 * Bytes of a "<field>: <n> kB" line of a /proc file: `Pss` in smaps_rollup, `VmRSS` in status. 0 when absent.
 */
export function procBytes(text: string, field: 'Pss' | 'VmRSS'): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
}

/** PSS of one process in bytes, or its RSS where smaps_rollup is missing (kernels before 4.14); 0 once gone. */
export async function processMemoryBytes(pid: number): Promise<number> {
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
    const sizes = await Promise.all((await processTree(pid)).map(processMemoryBytes));
    return sizes.reduce((a, b) => a + b, 0);
  } catch {
    return 0;
  }
}

/**
 * The direct children of `pid`, from /proc/<pid>/task/<tid>/children: a few small reads, where walking all of
 * /proc (processTree) reads every process on the machine. Null when the kernel does not offer these files
 * (CONFIG_PROC_CHILDREN); empty once `pid` is gone.
 */
export async function childPids(pid: number): Promise<number[] | null> {
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const task of tasks) {
    try {
      children.push(...(await readFile(`/proc/${pid}/task/${task}/children`, 'utf8')).split(' ').filter(Boolean).map(Number));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && task === String(pid)) return null;
    }
  }
  return children;
}

/**
 * What a Chromium process is: its `--type=` (renderer, zygote, gpu-process, utility…), `browser` for the main one;
 * null once gone. Read from the whole command line: Chromium rewrites its children's, joining the arguments with
 * spaces.
 */
export async function chromiumProcessType(pid: number): Promise<string | null> {
  try {
    return /(?:^|[\s\0])--type=([\w-]+)/.exec(await readFile(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
  } catch {
    return null;
  }
}

/** Resident set size of one process in bytes (0 once gone): one small read, and never less than its PSS. */
export async function residentBytes(pid: number): Promise<number> {
  try {
    return procBytes(await readFile(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
  } catch {
    return 0;
  }
}
