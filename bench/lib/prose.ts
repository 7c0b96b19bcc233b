const WORDS =
  'exercise forces partner nations special operations training Sahel border security cooperation command soldiers Mauritania Burkina Faso Niger Mali counter terrorism multinational support logistics medical aviation ceremony commander'.split(
    ' ',
  );

/** Deterministic pseudo-random prose, so every run measures the same texts. */
export function prose(seed: number, words: number): string {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(WORDS[x % WORDS.length]!);
  }
  return `${out.join(' ')}.`;
}
