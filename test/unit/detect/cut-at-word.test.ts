import { describe, expect, it } from 'vitest';
import { cutAtWord } from '../../../src/detect/cut-at-word.ts';

const GOITA = 'Col. Assimi Goita, commander of Mali’s special forces, said the exercise allowed his soldiers to rehearse the cross-border cooperation that the fight against violent extremist organizations requires.';

describe('cutAtWord', () => {
  it('cuts at the last word boundary before the limit, the ellipsis counted in it', () => {
    expect(cutAtWord('one two three four', 12)).toBe('one two…');
    expect(cutAtWord('short', 12)).toBe('short');
    expect(cutAtWord(GOITA, 120)).toBe('Col. Assimi Goita, commander of Mali’s special forces, said the exercise allowed his soldiers to rehearse the…');
  });

  it('takes a line break or a no-break space as a boundary, and keeps the case and punctuation', () => {
    expect(cutAtWord('Flintlock\nBEGINS in Burkina Faso', 20)).toBe('Flintlock\nBEGINS in…');
    expect(cutAtWord('Col.\u00a0Goita’s unit trained', 16)).toBe('Col.\u00a0Goita’s…');
  });

  it('cuts a single word longer than half the limit where the limit falls', () => {
    expect(cutAtWord('a supercalifragilisticexpialidocious word', 20)).toBe('a supercalifragilis…');
  });
});
