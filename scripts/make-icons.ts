/**
 * Draws Strata's icon and writes every file the installers need:
 * resources/icon.svg (the design), icon.png (1024×1024), icon.icns (macOS),
 * icon.ico (Windows) and resources/icons/<n>x<n>.png (Linux).
 *
 * The design is a rounded square holding four layered bands, each band's top
 * edge a gentle wave made of two quadratic Bézier segments. Because each
 * segment's control points are evenly spaced in x, its curve is an exact
 * parabola y(x), so the rasteriser below draws exactly what the SVG says
 * without an SVG renderer (none is installed on the build machines).
 *
 * ICO and ICNS files embed PNGs, which both formats allow; the PNGs are
 * written with node:zlib. Run: node --import tsx scripts/make-icons.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const CANVAS = 1024;
/** The rounded square, inset like macOS Big Sur icons so it sits well beside others. */
const TILE = { x: 100, y: 100, size: 824, radius: 184 };
const BACKGROUND = '#0f1f3d';

/** One stratum: where its wavy top edge crosses the tile, how high the wave rises, and its colour. */
interface Band {
  y: number;
  amplitude: number;
  colour: string;
}

/** Lightest at the top, darkest at the bottom, like rock seen in a cliff face. */
const BANDS: Band[] = [
  { y: 330, amplitude: 56, colour: '#7fe0d2' },
  { y: 470, amplitude: -48, colour: '#3fb8c9' },
  { y: 610, amplitude: 44, colour: '#2b86c2' },
  { y: 750, amplitude: -40, colour: '#2457a8' },
];

const LEFT = TILE.x;
const RIGHT = TILE.x + TILE.size;
const MID = (LEFT + RIGHT) / 2;

/** The band's top edge at x: the parabola of whichever quadratic segment covers x. */
function edgeY(band: Band, x: number): number {
  // First segment: LEFT → MID with its control point a quarter of the way, raised by 2×amplitude
  // so the curve peaks at `amplitude`; the second (SVG `T`) mirrors the control point.
  const inFirst = x <= MID;
  const x0 = inFirst ? LEFT : MID;
  const t = (x - x0) / (MID - LEFT);
  const control = band.y + (inFirst ? -2 : 2) * band.amplitude;
  return (1 - t) * (1 - t) * band.y + 2 * t * (1 - t) * control + t * t * band.y;
}

function insideTile(x: number, y: number): boolean {
  const { x: tx, y: ty, size, radius } = TILE;
  if (x < tx || y < ty || x > tx + size || y > ty + size) return false;
  const cx = Math.min(Math.max(x, tx + radius), tx + size - radius);
  const cy = Math.min(Math.max(y, ty + radius), ty + size - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius;
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const PALETTE = [rgb(BACKGROUND), ...BANDS.map((band) => rgb(band.colour))];

/** Which paint covers a point in canvas units: -1 outside the tile, 0 the background, i+1 band i. */
function paintAt(x: number, y: number): number {
  if (!insideTile(x, y)) return -1;
  let paint = 0;
  BANDS.forEach((band, i) => {
    if (y >= edgeY(band, x)) paint = i + 1;
  });
  return paint;
}

/** Renders the design at size×size RGBA with 4×4 supersampling for smooth edges. */
export function render(size: number): Buffer {
  const samples = 4;
  const scale = CANVAS / size;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const paint = paintAt((px + (sx + 0.5) / samples) * scale, (py + (sy + 0.5) / samples) * scale);
          if (paint < 0) continue;
          const [pr, pg, pb] = PALETTE[paint]!;
          r += pr;
          g += pg;
          b += pb;
          covered++;
        }
      }
      const at = (py * size + px) * 4;
      if (covered > 0) {
        // Colour averaged over covered samples, coverage as alpha (straight, not premultiplied).
        pixels[at] = Math.round(r / covered);
        pixels[at + 1] = Math.round(g / covered);
        pixels[at + 2] = Math.round(b / covered);
        pixels[at + 3] = Math.round((255 * covered) / (samples * samples));
      }
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes RGBA pixels as an 8-bit truecolour-with-alpha PNG. */
export function encodePng(size: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    // Each row starts with filter type 0 (none).
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A Windows icon: an ICONDIR then one 16-byte entry per image, each image a PNG. */
export function encodeIco(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size; // 0 means 256
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map(({ png }) => png)]);
}

/** A macOS icon family: 'icns' + length, then (type, length, PNG) elements. */
export function encodeIcns(elements: { type: string; png: Buffer }[]): Buffer {
  const parts = elements.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((sum, part) => sum + part.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

/** The same design as SVG, for designers and for anyone who wants a larger or different format. */
export function svg(): string {
  const { x, y, size, radius } = TILE;
  const bands = BANDS.map((band) => {
    const control = band.y - 2 * band.amplitude;
    return (
      `    <path fill="${band.colour}" d="M${LEFT} ${band.y} Q${(LEFT + MID) / 2} ${control} ${MID} ${band.y}` +
      ` T${RIGHT} ${band.y} V${y + size} H${LEFT} Z"/>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CANVAS}" height="${CANVAS}" viewBox="0 0 ${CANVAS} ${CANVAS}">`,
    '  <title>Strata</title>',
    `  <clipPath id="tile"><rect x="${x}" y="${y}" width="${size}" height="${size}" rx="${radius}"/></clipPath>`,
    '  <g clip-path="url(#tile)">',
    `    <rect x="${x}" y="${y}" width="${size}" height="${size}" fill="${BACKGROUND}"/>`,
    ...bands,
    '  </g>',
    '</svg>',
    '',
  ].join('\n');
}

function main(): void {
  const resources = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'resources');
  const png = new Map<number, Buffer>();
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) png.set(size, encodePng(size, render(size)));
  const at = (size: number): Buffer => png.get(size)!;

  writeFileSync(join(resources, 'icon.svg'), svg());
  writeFileSync(join(resources, 'icon.png'), at(1024));
  writeFileSync(join(resources, 'icon.ico'), encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: at(size) }))));
  writeFileSync(
    join(resources, 'icon.icns'),
    encodeIcns([
      { type: 'icp4', png: at(16) },
      { type: 'icp5', png: at(32) },
      { type: 'ic11', png: at(32) }, // 16@2x
      { type: 'ic12', png: at(64) }, // 32@2x
      { type: 'ic07', png: at(128) },
      { type: 'ic13', png: at(256) }, // 128@2x
      { type: 'ic08', png: at(256) },
      { type: 'ic14', png: at(512) }, // 256@2x
      { type: 'ic09', png: at(512) },
      { type: 'ic10', png: at(1024) }, // 512@2x
    ]),
  );
  // Linux desktops pick the closest size from hicolor; electron-builder installs this folder as-is.
  mkdirSync(join(resources, 'icons'), { recursive: true });
  for (const size of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(join(resources, 'icons', `${size}x${size}.png`), at(size));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
