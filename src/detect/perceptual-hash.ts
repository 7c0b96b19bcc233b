/** Side of the grey square a photo is reduced to before its perceptual hash is taken. */
export const HASH_SIDE = 32;
/** Side of the block of lowest DCT frequencies the hash keeps: 8 × 8 = 64 bits. */
const LOW = 8;

/**
 * Bits (of 64) two perceptual hashes may differ by and still be the same picture. Re-encoding, recompressing,
 * resizing by 10 % and stripping metadata moved the hash by at most 2 bits on the test photos; different
 * pictures differed by 22 or more (see docs/detection.md). 10 sits well inside that gap.
 */
export const SAME_PICTURE_MAX_DISTANCE = 10;

// cos((2x + 1) u π / 2N) for the N-point DCT-II, computed once for the only size used.
const COSINES: Float64Array[] = Array.from({ length: LOW }, (_, u) =>
  Float64Array.from({ length: HASH_SIDE }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * HASH_SIDE))),
);

/**
 * The pHash of a photo from its pixels: `grey` is the picture reduced to HASH_SIDE × HASH_SIDE luminance values
 * (row by row). The lowest 8 × 8 frequencies of its 2-D DCT, each compared with their median, give 64 bits
 * (16 hex digits) that survive re-encoding and resizing but not a different picture. Pure.
 */
export function perceptualHash(grey: ArrayLike<number>): string {
  if (grey.length !== HASH_SIDE * HASH_SIDE) throw new RangeError(`expected ${HASH_SIDE * HASH_SIDE} grey values, got ${grey.length}`);
  // Rows first, then columns, keeping only the low frequencies of each pass.
  const rows = Array.from({ length: HASH_SIDE }, (_, y) =>
    COSINES.map((cos) => {
      let sum = 0;
      for (let x = 0; x < HASH_SIDE; x++) sum += grey[y * HASH_SIDE + x]! * cos[x]!;
      return sum;
    }),
  );
  const coefficients: number[] = [];
  for (let v = 0; v < LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < HASH_SIDE; y++) sum += rows[y]![u]! * COSINES[v]![y]!;
      coefficients.push(sum);
    }
  }
  // The DC term is the picture's mean brightness: left out of the median so a brighter copy is no other picture.
  const median = [...coefficients.slice(1)].sort((a, b) => a - b)[Math.floor((coefficients.length - 1) / 2)]!;
  let hex = '';
  for (let i = 0; i < coefficients.length; i += 4) {
    let nibble = 0;
    for (let b = 0; b < 4; b++) nibble = (nibble << 1) | (coefficients[i + b]! > median ? 1 : 0);
    hex += nibble.toString(16);
  }
  return hex;
}

/** How many bits two perceptual hashes differ by (0–64). */
export function hashDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new RangeError('perceptual hashes of different lengths');
  let bits = 0;
  for (let i = 0; i < a.length; i++) {
    let x = parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16);
    for (; x; x &= x - 1) bits++;
  }
  return bits;
}
