import { readFileSync } from 'node:fs';
import { descendants, isAlive, leftAfter } from './processes.ts';

/** A Chromium renderer process below this test process, with the CPU time it has used so far. */
export interface Renderer {
  pid: number;
  /** User plus system CPU time, in clock ticks (1/100 s on Linux). */
  cpuTicks: number;
}

/**
 * Renderer processes of the browsers this test process launched (each open browser context has its own; none
 * remain once every context is closed). Test files run in forked processes, so no other file's are counted.
 */
export async function renderers(): Promise<Renderer[]> {
  const found: Renderer[] = [];
  for (const pid of await descendants(process.pid)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer') || !isAlive(pid)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.push({ pid, cpuTicks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Polls until no renderer process remains or `withinMs` passes; returns those still there (empty when all went). */
export function waitForNoRenderers(withinMs: number): Promise<Renderer[]> {
  return leftAfter(renderers, withinMs);
}

/**
 * Renderers left once the one context the host opened ahead for its next capture is closed (it opens another when
 * a capture asks): none may remain of the captures themselves. Throws if more than that one context is open.
 */
export async function noRendererButTheNextContext(host: { get(): Promise<{ contexts(): { close(): Promise<void> }[] }> }): Promise<Renderer[]> {
  const contexts = (await host.get()).contexts();
  if (contexts.length > 1) throw new Error(`${contexts.length} browser contexts open after the captures; at most the next capture's may be`);
  for (const context of contexts) await context.close();
  return waitForNoRenderers(10_000);
}
