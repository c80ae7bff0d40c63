/**
 * A small PNG decoder for tests (screenshots): 8-bit RGB or RGBA, not interlaced, which is what Chromium
 * writes. Inflates the IDAT chunks with node's zlib and undoes the per-row filters (PNG specification,
 * section 9: None, Sub, Up, Average, Paeth).
 */
import * as zlib from 'node:zlib';

export interface Png {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row by row (an RGB image gets alpha 255). */
  rgba: Uint8Array;
}

const SIGNATURE = '89504e470d0a1a0a';

export function decodePng(buf: Buffer): Png {
  if (buf.subarray(0, 8).toString('hex') !== SIGNATURE) throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const colour = data[9];
      const interlace = data[12];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0)
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      let p: number;
      switch (filter) {
        case 0:
          p = 0;
          break;
        case 1:
          p = a;
          break;
        case 2:
          p = b;
          break;
        case 3:
          p = (a + b) >> 1;
          break;
        case 4: {
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`bad PNG filter ${filter} on row ${y}`);
      }
      cur[i] = (line[i]! + p) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out[o] = cur[x * channels]!;
      out[o + 1] = cur[x * channels + 1]!;
      out[o + 2] = cur[x * channels + 2]!;
      out[o + 3] = channels === 4 ? cur[x * channels + 3]! : 255;
    }
    prev = cur;
  }
  return { width, height, rgba: out };
}

/** Distinct colours, the share of pixels that are not (near) white, and how many pixels are close to `colours`. */
export function pixelStats(png: Png, colours: Record<string, string> = {}): { distinct: number; nonWhite: number; near: Record<string, number> } {
  const seen = new Set<number>();
  let nonWhite = 0;
  const targets = Object.entries(colours).map(
    ([k, hex]) => [k, parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)] as const,
  );
  const near: Record<string, number> = Object.fromEntries(targets.map(([k]) => [k, 0]));
  const n = png.width * png.height;
  for (let i = 0; i < n; i++) {
    const r = png.rgba[i * 4]!;
    const g = png.rgba[i * 4 + 1]!;
    const b = png.rgba[i * 4 + 2]!;
    seen.add((r << 16) | (g << 8) | b);
    if (r < 240 || g < 240 || b < 240) nonWhite++;
    for (const [k, tr, tg, tb] of targets) if (Math.abs(r - tr) + Math.abs(g - tg) + Math.abs(b - tb) < 40) near[k]!++;
  }
  return { distinct: seen.size, nonWhite: nonWhite / n, near };
}
