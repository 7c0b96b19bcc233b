import { readdirSync, readFileSync } from 'node:fs';

/**
 * Proportional resident memory (PSS: shared pages split between the processes sharing them, so Chromium's many
 * processes are not counted many times) of `pid` and every process under it, in bytes, from /proc.
 */
export function treePssBytes(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which may itself hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we read: it holds no memory any more.
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += pssBytes(p);
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** Samples `treePssBytes(pid)` every `everyMs` until stopped; returns the peak and the last sample. */
export function sampleTreePss(pid: number, everyMs = 250): { stop(): { peak: number; last: number } } {
  let peak = 0;
  let last = 0;
  const take = () => {
    last = treePssBytes(pid);
    peak = Math.max(peak, last);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak, last };
    },
  };
}

function pssBytes(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
