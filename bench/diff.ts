/**
 * `npm run bench:diff`: how long judging one capture takes — the change record (diffSnapshots) plus the removal
 * classification (classifyCapture) — for a typical 30 KB article and a 1 MB one with about 1% of blocks changed.
 * Prints the medians; not a test.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { diffSnapshots } from '../src/detect/diff-snapshots.ts';
import { classifyCapture, type ComparedSnapshot } from '../src/detect/classify.ts';
import type { PageFacts, TextBlock } from '../src/page-data/page-facts.ts';
import { prose } from './lib/prose.ts';
import { median } from './lib/median.ts';


function article(bytes: number): PageFacts {
  const blocks: TextBlock[] = [{ kind: 'heading', text: 'Flintlock 2019 begins in Burkina Faso and Mauritania' }];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const text = prose(i + 1, 40 + (i % 60));
    blocks.push({ kind: 'paragraph', text });
    size += text.length;
  }
  const media = Array.from({ length: 12 }, (_, i) => ({ kind: 'image' as const, url: `https://media.defense.gov/photo-${i}.jpg`, alt: `photo ${i}`, caption: prose(i + 900, 20), loaded: true, status: 200 }));
  return { title: 'Flintlock 2019', canonicalUrl: null, blocks, media, links: [], embeds: [] };
}

/** The same article with about `share` of its paragraphs edited, removed or added. */
function edited(base: PageFacts, share: number): PageFacts {
  const step = Math.max(1, Math.round(1 / share));
  const blocks = base.blocks.flatMap((b, i) => {
    if (i === 0 || i % step !== 0) return [b];
    if (i % (3 * step) === 0) return [];
    if (i % (3 * step) === step) return [{ ...b, text: b.text.replace(/\w+\.$/, 'changed.') }];
    return [b, { kind: 'paragraph' as const, text: prose(i + 5000, 50) }];
  });
  return { ...base, blocks };
}

const snap = (id: number, facts: PageFacts): ComparedSnapshot => ({ id, status: 200, requestedUrl: 'https://www.africom.mil/a', finalUrl: 'https://www.africom.mil/a', redirects: [], facts });

function judge(before: PageFacts, after: PageFacts): number {
  const change = diffSnapshots({ status: 200, finalUrl: 'https://www.africom.mil/a', errorCode: null, facts: before }, { status: 200, finalUrl: 'https://www.africom.mil/a', errorCode: null, facts: after });
  const findings = classifyCapture({ baseline: snap(1, before), current: snap(2, after), outcome: { outcome: 'ok', signal: 'ok', detail: '' }, hostNotFound: null, phrases: ['Assimi Goita'] });
  return change.blocks.removed.length + findings.length;
}

const cases = [
  { name: '30 KB article, ~1% of blocks changed', bytes: 30_000, runs: 200 },
  { name: '1 MB article, ~1% of blocks changed', bytes: 1_000_000, runs: 30 },
];
console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log('case'.padEnd(42), 'blocks'.padStart(7), 'median ms'.padStart(10), 'p90 ms'.padStart(8));
for (const c of cases) {
  const before = article(c.bytes);
  const after = edited(before, 0.01);
  for (let i = 0; i < 5; i++) judge(before, after);
  const times: number[] = [];
  for (let i = 0; i < c.runs; i++) {
    const t = performance.now();
    judge(before, after);
    times.push(performance.now() - t);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(c.name.padEnd(42), String(before.blocks.length).padStart(7), median(times).toFixed(2).padStart(10), sorted[Math.floor(sorted.length * 0.9)]!.toFixed(2).padStart(8));
}
