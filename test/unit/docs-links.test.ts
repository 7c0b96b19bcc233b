import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import { lexer, walkTokens, type Token } from 'marked';
import { describe, expect, it } from 'vitest';

// Pure: reads the repository's own files, needs no service.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Paths the docs may name that a fresh clone does not have: written by the benchmarks, ignored by git. */
const GENERATED_PATHS = ['bench/results/'];

/** Folders whose files may carry a pointer into the docs: a comment, a `--help` text, an error message. */
const CODE_FOLDERS = ['src', 'jobs', 'bin', 'bench', 'test', 'scripts'];

const TOP_FOLDERS = ['src/', 'jobs/', 'bin/', 'bench/', 'test/', 'scripts/', 'sql/', 'docs/', 'fixtures/', '.ci/'];

function docFiles(): string[] {
  const pages = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`);
  return ['README.md', ...pages];
}

/** Visits every token of a Markdown file, those inside lists, tables and quotes included. */
function eachToken(file: string, visit: (token: Token) => void): void {
  // walkTokens hands back what its callback returns, for async extensions; this one returns nothing.
  void walkTokens(lexer(readFileSync(join(ROOT, file), 'utf8')), visit);
}

/** The text a heading shows once rendered, which is what GitHub slugs (markup gone, code kept as its text). */
function plainText(tokens: Token[] | undefined): string {
  return (tokens ?? []).map((token) => ('tokens' in token && token.tokens ? plainText(token.tokens) : 'text' in token ? String(token.text) : '')).join('');
}

const anchorsByPage = new Map<string, Set<string>>();

/** The `#anchor`s GitHub gives a page's headings, repeats numbered as it numbers them. */
function anchorsOf(file: string): Set<string> {
  const known = anchorsByPage.get(file);
  if (known) return known;
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  eachToken(file, (token) => {
    if (token.type === 'heading') anchors.add(slugger.slug(plainText(token.tokens)));
  });
  anchorsByPage.set(file, anchors);
  return anchors;
}

interface Pointer { from: string; href: string }

/** What `pointer` names that does not exist, relative to the file it appears in; null when it resolves. */
function brokenPart(pointer: Pointer, base: string): string | null {
  const [path = '', anchor] = pointer.href.split('#', 2);
  const target = path === '' ? pointer.from : relative(ROOT, resolve(join(ROOT, base), decodeURIComponent(path)));
  if (!existsSync(join(ROOT, target))) return `${target} does not exist`;
  if (anchor === undefined || anchor === '') return null;
  if (!target.endsWith('.md')) return `${target} is not a Markdown page, so it has no #${anchor}`;
  return anchorsOf(target).has(anchor) ? null : `${target} has no heading #${anchor}`;
}

const isExternal = (href: string) => /^[a-z][a-z0-9+.-]*:|^\/\//i.test(href);

function markdownPointers(file: string): Pointer[] {
  const pointers: Pointer[] = [];
  eachToken(file, (token) => {
    if ((token.type === 'link' || token.type === 'image') && !isExternal(token.href)) pointers.push({ from: file, href: token.href });
  });
  return pointers;
}

function codeFiles(folder: string): string[] {
  if (!existsSync(join(ROOT, folder))) return [];
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => /\.(ts|mjs|js)$/.test(path) || path === 'bin/scrubwatch');
}

/** The README or a page under docs/, with or without an `#anchor`, wherever code names it. */
const DOC_POINTER = /(?<![\w/.-])(README\.md|docs\/[\w-]+\.md)(#[\w-]+)?/g;

function codePointers(): Pointer[] {
  return CODE_FOLDERS.flatMap(codeFiles).flatMap((file) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(DOC_POINTER)].map((match) => ({ from: file, href: match[0] })));
}

/** A repository path the docs name in code spans (`src/extract/caps.ts`, `test/faults/`, `test/http/hostile-*.test.ts`). */
function namedPaths(file: string): string[] {
  const paths: string[] = [];
  eachToken(file, (token) => {
    if (token.type !== 'codespan') return;
    const text = token.text.replace(/^\.\//, '');
    if (TOP_FOLDERS.some((folder) => text.startsWith(folder)) && !/\s/.test(text)) paths.push(text);
  });
  return paths;
}

function pathExists(path: string): boolean {
  if (GENERATED_PATHS.some((generated) => path.startsWith(generated))) return true;
  if (!path.includes('*')) return existsSync(join(ROOT, path));
  const folder = dirname(path);
  const pattern = new RegExp(`^${path.slice(folder.length + 1).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return existsSync(join(ROOT, folder)) && readdirSync(join(ROOT, folder)).some((name) => pattern.test(name));
}

describe('the docs', () => {
  it('every relative link and #anchor in README.md and docs/*.md resolves', () => {
    const pointers = docFiles().flatMap(markdownPointers);
    const broken = pointers.flatMap((pointer) => {
      const problem = brokenPart(pointer, dirname(pointer.from));
      return problem === null ? [] : [`${pointer.from}: (${pointer.href}) ${problem}`];
    });
    expect(pointers.length).toBeGreaterThan(50);
    expect(broken).toEqual([]);
  });

  it('every README or docs page named in the code (comments, --help, error messages) exists, with its #anchor', () => {
    const pointers = codePointers();
    const broken = pointers.flatMap((pointer) => {
      const problem = brokenPart(pointer, '.');
      return problem === null ? [] : [`${pointer.from}: ${pointer.href}: ${problem}`];
    });
    expect(pointers.length).toBeGreaterThan(0);
    expect(broken).toEqual([]);
  });

  it('every file or folder of the repository that the docs name exists', () => {
    const missing = docFiles().flatMap((file) => namedPaths(file).filter((path) => !pathExists(path)).map((path) => `${file}: ${path}`));
    expect(missing).toEqual([]);
  });

  it('every page links back to the README map, and the map links every page', () => {
    const readme = new Set(markdownPointers('README.md').map((pointer) => pointer.href.split('#')[0]));
    for (const page of docFiles().slice(1)) {
      expect(markdownPointers(page).map((pointer) => pointer.href), page).toContain('../README.md#documentation');
      expect(readme, page).toContain(page);
    }
  });
});
