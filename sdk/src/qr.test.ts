import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { qrMatrix, qrSvgPath } from './qr.ts';

/** Renders the matrix with a 4-module quiet zone at 4 px per module and reads it back with jsQR. */
function scan(m: boolean[][]) {
  const px = 4;
  const size = (m.length + 8) * px;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      if (m[((y / px) | 0) - 4]?.[((x / px) | 0) - 4]) data.fill(0, i, i + 3);
    }
  }
  return jsQR(data, size, size);
}

const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const versionOf = (m: boolean[][]) => (m.length - 17) / 4;

/** Expects text to round-trip through the encoder and jsQR, byte for byte; returns the version. */
function roundTrip(text: string): number {
  const m = qrMatrix(text);
  expect(m.every((row) => row.length === m.length)).toBe(true);
  const code = scan(m);
  expect(code, `jsQR could not read ${JSON.stringify(text)}`).not.toBeNull();
  expect(code!.binaryData).toEqual(utf8(text));
  expect(code!.data).toBe(text);
  expect(code!.version).toBe(versionOf(m));
  return code!.version;
}

/** ASCII text of exactly n bytes that looks like a link. */
const link = (n: number) => `https://example.com/c/${'a1B2c3D4e5'.repeat(50)}`.slice(0, n);

/** xorshift32: a tiny seeded generator, so the random cases are the same on every run. */
function random(seed: number) {
  return () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
}

// Byte-mode capacity at level M, versions 1..15 (ISO/IEC 18004 table 7).
const CAPACITY = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412];

describe('qrMatrix', () => {
  it('encodes a WhatsApp link', () => {
    roundTrip('https://wa.me/15551234567?text=Hi%20%23TL-7K3Q9X');
  });

  it('encodes a Messenger link with a 40-character ref', () => {
    const ref = 'TL-7K3Q9X.a8Zq0LmN4pR2sT6uV1wX3yB5cD7eF9';
    expect(ref).toHaveLength(40);
    roundTrip(`https://m.me/threadline.support?ref=${ref}`);
  });

  it('encodes non-ASCII text as UTF-8 bytes', () => {
    roundTrip('Привет — 你好 — مرحبا');
    roundTrip('emoji 👋🏽 and é, ß, ñ');
  });

  it.each([
    [1, 10],
    [2, 20],
    [5, 80],
    [7, 110],
    [10, 200],
    [15, 400],
  ])('picks version %i for %i bytes', (version, bytes) => {
    expect(roundTrip(link(bytes))).toBe(version);
  });

  it('round-trips a seeded sample of random strings of random lengths', () => {
    const next = random(0x7e11);
    // ASCII, Latin-1, Cyrillic, Arabic, CJK and emoji: 1 to 4 UTF-8 bytes a character.
    const ranges = [[0x20, 0x7e], [0xa0, 0xff], [0x410, 0x44f], [0x621, 0x64a], [0x4e00, 0x9fff], [0x1f600, 0x1f64f]] as const;
    for (let n = 0; n < 40; n++) {
      const limit = 1 + Math.floor(next() ** 2 * 412); // favour short texts, still reach the largest versions
      let text = '';
      for (;;) {
        const [lo, hi] = ranges[Math.floor(next() * ranges.length)]!;
        const more = text + String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1)));
        if (utf8(more).length > limit) break;
        text = more;
      }
      roundTrip(text || '?'); // a tiny limit can leave no room for a wide character
    }
  });

  it('fills each version to its exact capacity, and moves up one byte later', () => {
    CAPACITY.forEach((bytes, i) => {
      expect(versionOf(qrMatrix(link(bytes)))).toBe(i + 1);
      if (i < 14) expect(versionOf(qrMatrix(link(bytes + 1)))).toBe(i + 2);
    });
    // Round-trip both sides of the boundary where the length field grows to 16 bits.
    expect(roundTrip(link(180))).toBe(9);
    expect(roundTrip(link(181))).toBe(10);
    expect(roundTrip(link(412))).toBe(15);
  });

  it('throws a RangeError over the limit of version 15', () => {
    expect(() => qrMatrix(link(413))).toThrow(RangeError);
    expect(() => qrMatrix(link(413))).toThrow(
      'Threadline: failed to make a QR code: the text is 413 bytes, over the limit of 412. Use a shorter link.',
    );
    expect(() => qrMatrix('é'.repeat(207))).toThrow('the text is 414 bytes, over the limit of 412');
  });

  it('writes both copies of the format information for level M', () => {
    // The 8 valid level-M format words, masks 0..7 (ISO/IEC 18004 annex C).
    const valid = [0x5412, 0x5125, 0x5e7c, 0x5b4b, 0x45f9, 0x40ce, 0x4f97, 0x4aa0];
    const masks = new Set<number>();
    for (const bytes of [5, 20, 50, 100, 150, 200, 300, 400]) {
      const m = qrMatrix(link(bytes));
      const n = m.length;
      const read = (cells: number[][]) => cells.reduce((f, [y, x]) => (f << 1) | +m[y!]![x!]!, 0);
      // Most significant bit first: by the top-left finder, then down the left and along the top right.
      const first = read([[8, 0], [8, 1], [8, 2], [8, 3], [8, 4], [8, 5], [8, 7], [8, 8], [7, 8], [5, 8], [4, 8], [3, 8], [2, 8], [1, 8], [0, 8]]);
      const second = read([...[1, 2, 3, 4, 5, 6, 7].map((i) => [n - i, 8]), ...[8, 7, 6, 5, 4, 3, 2, 1].map((i) => [8, n - i])]);
      expect(valid).toContain(first);
      expect(second).toBe(first);
      expect(m[n - 8]![8]).toBe(true); // the dark module
      masks.add(valid.indexOf(first));
    }
    expect(masks.size).toBeGreaterThan(1); // the mask is chosen, not fixed
  });

  it('writes both blocks of the version information from version 7', () => {
    // ISO/IEC 18004 annex D.
    const info: Record<number, number> = { 7: 0x07c94, 8: 0x085bc, 9: 0x09a99, 10: 0x0a4d3, 11: 0x0bbf6, 12: 0x0c762, 13: 0x0d847, 14: 0x0e60d, 15: 0x0f928 };
    for (let v = 7; v <= 15; v++) {
      const m = qrMatrix(link(CAPACITY[v - 1]!));
      const n = m.length;
      let topRight = 0;
      let bottomLeft = 0;
      for (let i = 17; i >= 0; i--) {
        topRight = (topRight << 1) | +m[Math.floor(i / 3)]![n - 11 + (i % 3)]!;
        bottomLeft = (bottomLeft << 1) | +m[n - 11 + (i % 3)]![Math.floor(i / 3)]!;
      }
      expect([v, topRight, bottomLeft]).toEqual([v, info[v], info[v]]);
    }
  });

  it('places the finder, timing and alignment patterns', () => {
    // Alignment pattern centres (ISO/IEC 18004 annex E), versions 2..15.
    const centres = [[18], [22], [26], [30], [34], [22, 38], [24, 42], [26, 46], [28, 50], [30, 54], [32, 58], [34, 62], [26, 46, 66], [26, 48, 70]];
    for (let v = 1; v <= 15; v++) {
      const m = qrMatrix(link(CAPACITY[v - 1]!));
      const n = m.length;
      const ring = (cy: number, cx: number, d: number) => {
        const cells: boolean[] = [];
        for (let y = cy - d; y <= cy + d; y++) for (let x = cx - d; x <= cx + d; x++) if (Math.max(Math.abs(y - cy), Math.abs(x - cx)) === d) cells.push(m[y]?.[x] ?? false);
        return cells;
      };
      const all = (cells: boolean[], dark: boolean) => expect(cells.every((c) => c === dark)).toBe(true);
      for (const [y, x] of [[3, 3], [3, n - 4], [n - 4, 3]] as const) {
        [0, 1, 3].forEach((d) => all(ring(y, x, d), true));
        [2, 4].forEach((d) => all(ring(y, x, d), false)); // 4: the separator (cells outside count as light)
      }
      for (let i = 8; i < n - 8; i++) {
        expect(m[6]![i]).toBe(i % 2 === 0);
        expect(m[i]![6]).toBe(i % 2 === 0);
      }
      const pos = v > 1 ? [6, ...centres[v - 2]!] : [];
      for (const y of pos) {
        for (const x of pos) {
          if ((y === 6 && x === 6) || (y === 6 && x === n - 7) || (y === n - 7 && x === 6)) continue;
          all(ring(y, x, 0), true);
          all(ring(y, x, 1), false);
          all(ring(y, x, 2), true);
        }
      }
    }
  });

  it('encodes the empty string', () => {
    expect(roundTrip('')).toBe(1);
  });

  it('is deterministic', () => {
    expect(qrMatrix('Threadline')).toEqual(qrMatrix('Threadline'));
  });
});

describe('qrSvgPath', () => {
  it('draws exactly the dark modules, offset by the quiet zone', () => {
    for (const text of ['https://wa.me/15551234567?text=Hi%20%23TL-7K3Q9X', link(300)]) {
      const m = qrMatrix(text);
      const { d, size } = qrSvgPath(text);
      expect(size).toBe(m.length + 8);
      expect(d).toMatch(/^[MhvzZ0-9 -]+$/);
      expect(d).toMatch(/^(M\d+ \d+h\d+v1h-\d+z)+$/);
      // Paint the runs back and compare with the matrix.
      const painted = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
      for (const [, x, y, w] of d.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
        for (let i = 0; i < Number(w); i++) {
          expect(painted[Number(y)]![Number(x) + i]).toBe(false); // no overlaps
          painted[Number(y)]![Number(x) + i] = true;
        }
      }
      const expected = Array.from({ length: size }, (_, y) => Array.from({ length: size }, (_, x) => m[y - 4]?.[x - 4] ?? false));
      expect(painted).toEqual(expected);
    }
  });
});
