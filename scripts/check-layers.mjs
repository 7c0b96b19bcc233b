// Fails lint when the layers of src/ and jobs/ are crossed at runtime (type-only imports do not count: they
// vanish at build time). Two rules, each with a list of known exceptions the lead tightens as they are fixed:
//   1. nothing under src/ imports from jobs/ (jobs are thin processors over src/, never the other way);
//   2. no two folders of src/ import each other (shared code moves down to the folder both use).
// An exception that no longer happens fails too, so the lists only ever shrink.
import { readFileSync } from 'node:fs';
import madge from 'madge';

/**
 * Files of src/ importing from jobs/: none. The processors are handed to the workers (src/app/processors.ts) by
 * bin/scrubwatch and the tests, so a new one here is a layer crossed (see docs/architecture.md).
 */
const SRC_IMPORTING_JOBS = [];

/** Folder pairs of src/ that still import each other, alphabetical within a pair: none today. */
const MUTUAL_FOLDERS = [];

// The same settings as `madge --circular` in npm run lint: type-only imports skipped.
const graph = (await madge(['src', 'jobs'], JSON.parse(readFileSync('.madgerc', 'utf8')))).obj();

/** The folder of src/ a file is in; files at the root of src/ (config, context, logger…) are in none. */
function srcFolder(file) {
  const parts = file.split('/');
  return parts[0] === 'src' && parts.length > 2 ? parts[1] : null;
}

const problems = [];

const importingJobs = new Set();
for (const [from, deps] of Object.entries(graph)) {
  if (!from.startsWith('src/')) continue;
  for (const to of deps.filter((d) => d.startsWith('jobs/'))) {
    importingJobs.add(from);
    if (!SRC_IMPORTING_JOBS.includes(from)) problems.push(`${from} imports ${to}: src/ must not import from jobs/`);
  }
}
for (const file of SRC_IMPORTING_JOBS) {
  if (!importingJobs.has(file)) problems.push(`${file} no longer imports from jobs/: remove it from SRC_IMPORTING_JOBS in scripts/check-layers.mjs`);
}

const crossings = new Map();
for (const [from, deps] of Object.entries(graph)) {
  for (const to of deps) {
    const a = srcFolder(from);
    const b = srcFolder(to);
    if (a === null || b === null || a === b) continue;
    const key = `${a} ${b}`;
    if (!crossings.has(key)) crossings.set(key, `${from} -> ${to}`);
  }
}
const known = new Set(MUTUAL_FOLDERS.map(([a, b]) => `${a} ${b}`));
const mutual = new Set();
for (const key of crossings.keys()) {
  const [a, b] = key.split(' ');
  if (a > b || !crossings.has(`${b} ${a}`)) continue;
  mutual.add(key);
  if (!known.has(key)) problems.push(`src/${a} and src/${b} import each other (${crossings.get(key)}; ${crossings.get(`${b} ${a}`)}): move what both need down`);
}
for (const key of known) {
  if (!mutual.has(key)) problems.push(`src/${key.replace(' ', ' and src/')} no longer import each other: remove the pair from MUTUAL_FOLDERS in scripts/check-layers.mjs`);
}

if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`check-layers: ${p}\n`);
  process.exit(1);
}
