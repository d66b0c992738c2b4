/**
 * A small QR code encoder written from ISO/IEC 18004: byte mode (UTF-8), error correction level M,
 * versions 1–15. No dependencies; sized for the widget budget.
 */

// Level M, versions 1..15 (ISO/IEC 18004 table 9): EC codewords per block, and number of blocks.
const EC = [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24];
const BLOCKS = [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10];

/** Multiplication in GF(256) modulo the QR primitive polynomial x⁸+x⁴+x³+x²+1 (0x11d). */
const mul = (a: number, b: number): number => {
  let r = 0;
  for (; b; b >>= 1, a = (a << 1) ^ (a & 128 ? 0x11d : 0)) if (b & 1) r ^= a;
  return r;
};

/** Reed–Solomon: the n EC codewords are the remainder of data·xⁿ divided by ∏(x − αⁱ), i < n. */
const rs = (data: number[], n: number): number[] => {
  let g = [1]; // generator, highest degree first
  for (let i = 0, a = 1; i < n; i++, a = mul(a, 2)) g = [...g, 0].map((c, j) => c ^ mul(g[j - 1] ?? 0, a));
  let r: number[] = new Array(n).fill(0);
  for (const b of data) {
    const f = b ^ r[0]!;
    r = r.map((_, i) => (r[i + 1] ?? 0) ^ mul(g[i + 1]!, f));
  }
  return r;
};

/** Remainder of x·2^k modulo the BCH generator p (of degree k), appended to x. */
const bch = (x: number, k: number, p: number): number => {
  let r = x;
  for (let i = 0; i < k; i++) r = (r << 1) ^ ((r >> (k - 1)) * p);
  return (x << k) | r;
};

/** Whether mask pattern m flips the module at row y, column x (ISO/IEC 18004 table 10). */
const flips = (m: number, y: number, x: number): boolean =>
  [
    (y + x) % 2,
    y % 2,
    x % 3,
    (y + x) % 3,
    ((y >> 1) + ((x / 3) | 0)) % 2,
    ((y * x) % 2) + ((y * x) % 3),
    (((y * x) % 2) + ((y * x) % 3)) % 2,
    (((y + x) % 2) + ((y * x) % 3)) % 2,
  ][m] == 0;

/** Encodes text (UTF-8, byte mode) as a QR code; returns the module matrix (true = dark), quiet zone NOT included. Error correction level M. Chooses the smallest version 1..15 that fits; throws a RangeError when it does not fit. */
export function qrMatrix(text: string): boolean[][] {
  const bytes = new TextEncoder().encode(text);
  const len = bytes.length;
  // One byte per module: bit 0 = dark, bit 1 = function pattern (holds no data).
  let g = new Uint8Array(0);
  let v = 0;
  let n = 0;
  let cap = 0;
  let total = 0;
  const set = (y: number, x: number, dark: unknown) => {
    g[y * n + x] = dark ? 3 : 2;
  };
  const at = (y: number, x: number) => g[y * n + x]! & 1;

  // Format information (level M = 00, then the mask), both copies, and the dark module.
  const format = (m: number) => {
    const f = bch(m, 10, 0x537) ^ 0x5412;
    for (let i = 0; i < 15; i++) {
      const b = (f >> i) & 1;
      set(i < 6 ? i : i < 8 ? i + 1 : 8, i < 8 ? 8 : i < 9 ? 7 : 14 - i, b);
      set(i < 8 ? 8 : n - 15 + i, i < 8 ? n - 1 - i : 8, b);
    }
    set(n - 8, 8, 1);
  };

  // The smallest version whose function patterns leave room for the data.
  do {
    if (v == 15) {
      throw new RangeError(`Threadline: failed to make a QR code: the text is ${len} bytes, over the limit of ${cap}. Use a shorter link.`);
    }
    n = 4 * ++v + 17;
    g = new Uint8Array(n * n);
    // Finder patterns with their separators.
    for (const [y, x] of [[0, 0], [0, n - 7], [n - 7, 0]] as const) {
      for (let r = -1; r < 8; r++) {
        for (let c = -1; c < 8; c++) {
          const d = Math.max(Math.abs(r - 3), Math.abs(c - 3));
          if (y + r >= 0 && y + r < n && x + c >= 0 && x + c < n) set(y + r, x + c, d != 2 && d != 4);
        }
      }
    }
    // Alignment patterns: centres at 6, then evenly spaced back from n − 7; none over a finder.
    if (v > 1) {
      const k = ((v / 7) | 0) + 1;
      const step = Math.ceil((n - 13) / k / 2) * 2;
      const pos = [6];
      for (let i = k; i--; ) pos.push(n - 7 - i * step);
      for (const y of pos) {
        for (const x of pos) {
          if (g[y * n + x]) continue;
          for (let r = -2; r < 3; r++) for (let c = -2; c < 3; c++) set(y + r, x + c, Math.max(Math.abs(r), Math.abs(c)) != 1);
        }
      }
    }
    // Timing patterns.
    for (let i = 8; i < n - 8; i++) set(6, i, ~i & 1), set(i, 6, ~i & 1);
    format(0); // reserves the format areas
    // Version information, 6×3 blocks by the top-right and bottom-left finders.
    if (v > 6) {
      const f = bch(v, 12, 0x1f25);
      for (let i = 0; i < 18; i++) {
        const b = (f >> i) & 1;
        set((i / 3) | 0, n - 11 + (i % 3), b);
        set(n - 11 + (i % 3), (i / 3) | 0, b);
      }
    }
    total = g.reduce((s, m) => s + (m ? 0 : 1), 0) >> 3; // codewords that fit in the free modules
    cap = ((total - EC[v - 1]! * BLOCKS[v - 1]!) * 8 - (v < 10 ? 12 : 20)) >> 3;
  } while (len > cap);

  // Data bits: mode 0100 (byte), count, bytes, terminator, padding to a byte, then pad codewords.
  const ec = EC[v - 1]!;
  const nb = BLOCKS[v - 1]!;
  const dataBits = (total - ec * nb) * 8;
  const bits: number[] = [];
  const put = (x: number, k: number) => {
    while (k-- > 0) bits.push((x >> k) & 1);
  };
  put(4, 4);
  put(len, v < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  put(0, Math.min(4, dataBits - bits.length));
  put(0, -bits.length & 7);
  for (let p = 0xec; bits.length < dataBits; p ^= 0xec ^ 0x11) put(p, 8);
  const cw: number[] = [];
  bits.forEach((b, i) => (cw[i >> 3] = ((cw[i >> 3] ?? 0) << 1) | b));

  // Split into blocks (the later ones one codeword longer), add EC, then interleave.
  const data: number[][] = [];
  const ecs: number[][] = [];
  for (let i = 0, o = 0, short = nb - (total % nb); i < nb; i++) {
    const d = cw.slice(o, (o += ((total / nb) | 0) - ec + (i < short ? 0 : 1)));
    data.push(d);
    ecs.push(rs(d, ec));
  }
  const out: number[] = [];
  for (const group of [data, ecs]) for (let i = 0; i <= total / nb; i++) out.push(...group.flatMap((b) => b[i] ?? []));

  // Place the bits in two-module columns, zigzagging up and down from the bottom right.
  let k = 0;
  for (let c = n - 1, up = 1; c > 0; c -= 2, up ^= 1) {
    if (c == 6) c = 5; // skip the vertical timing pattern
    for (let j = 0; j < n; j++) {
      for (let x = c; x > c - 2; x--) {
        const i = (up ? n - 1 - j : j) * n + x;
        if (!g[i]) g[i] = ((out[k >> 3] ?? 0) >> (7 - (k++ & 7))) & 1; // leftover remainder bits stay light
      }
    }
  }

  // Try the eight masks; keep the one with the lowest penalty (ISO/IEC 18004 7.8.3).
  const base = g;
  let best = g;
  let min = Infinity;
  for (let m = 0; m < 8; m++) {
    g = base.map((b, i) => (b & 2 ? b : b ^ +flips(m, (i / n) | 0, i % n)));
    format(m);
    let p = 0;
    let dark = 0;
    for (let i = 0; i < n; i++) {
      for (let dir = 0; dir < 2; dir++) {
        // Rows, then columns; the 4 modules after the line are the light quiet zone (before it, w starts light).
        for (let j = 0, run = 0, last = 2, w = 0; j < n + 4; j++) {
          const b = j < n ? (dir ? at(j, i) : at(i, j)) : 0;
          if (j < n) {
            run = b == last ? run + 1 : 1;
            last = b;
            p += run == 5 ? 3 : run > 5 ? 1 : 0; // N1: a run of 5 + k scores 3 + k
            dark += dir ? 0 : b;
            // N2: each 2×2 block of one colour scores 3
            if (!dir && i && j && at(i - 1, j - 1) + at(i - 1, j) + at(i, j - 1) + b == 4 * b) p += 3;
          }
          // N3: 1:1:3:1:1 finder-like run with 4 light modules on either side scores 40
          w = ((w << 1) | b) & 0x7ff;
          if (w == 0x5d0 || w == 0x5d) p += 40;
        }
      }
    }
    // N4: 10 for every full 5% that the dark share strays from 50%
    p += 10 * (Math.abs((dark * 20) / (n * n) - 10) | 0);
    if (p < min) {
      min = p;
      best = g;
    }
  }

  return Array.from({ length: n }, (_, y) => Array.from({ length: n }, (_, x) => !!(best[y * n + x]! & 1)));
}

/** An SVG path `d` drawing the dark modules as runs of 1-high rectangles, offset by a 4-module quiet zone, and the viewBox size (matrix size + 8). */
export function qrSvgPath(text: string): { d: string; size: number } {
  const m = qrMatrix(text);
  let d = '';
  m.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      const s = x;
      while (row[x]) x++;
      d += `M${s + 4} ${y + 4}h${x - s}v1h-${x - s}z`;
    }
  });
  return { d, size: m.length + 8 };
}
