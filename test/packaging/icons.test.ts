/**
 * The committed icons are what scripts/make-icons.ts draws, in the containers
 * each platform expects: a 1024×1024 PNG, an ICO whose largest image is
 * 256×256 (Windows requires it), an ICNS with the Retina sizes, and the
 * Linux hicolor sizes.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { render, svg } from '../../scripts/make-icons';

const resources = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources');
const read = (file: string): Buffer => readFileSync(join(resources, file));

/** Width, height and the RGBA pixels of an 8-bit RGBA PNG whose rows use filter 0, as make-icons writes them. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([body[8], body[9]]).toEqual([8, 6]);
    }
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(data));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(rows[y * (width * 4 + 1)]).toBe(0);
    rows.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, rgba };
}

describe('app icons', () => {
  it('icon.svg and icon.png are the design in scripts/make-icons.ts (run `npm run icons` after changing it)', () => {
    expect(read('icon.svg').toString('utf8')).toBe(svg());
    const png = decodePng(read('icon.png'));
    expect([png.width, png.height]).toEqual([1024, 1024]);
    expect(png.rgba.equals(render(1024))).toBe(true);
  });

  it('icon.ico holds PNG images up to 256×256', () => {
    const ico = read('icon.ico');
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => {
      const entry = 6 + 16 * i;
      const size = ico[entry] === 0 ? 256 : ico[entry]!;
      const image = ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8));
      expect(decodePng(image).width).toBe(size);
      return size;
    });
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('icon.icns holds every size macOS asks for, up to 512×512@2x', () => {
    const icns = read('icon.icns');
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found: Record<string, number> = {};
    for (let offset = 8; offset < icns.length; offset += icns.readUInt32BE(offset + 4)) {
      found[icns.toString('ascii', offset, offset + 4)] = decodePng(icns.subarray(offset + 8, offset + icns.readUInt32BE(offset + 4))).width;
    }
    expect(found).toEqual({ icp4: 16, icp5: 32, ic11: 32, ic12: 64, ic07: 128, ic13: 256, ic08: 256, ic14: 512, ic09: 512, ic10: 1024 });
  });

  it('resources/icons holds the Linux sizes', () => {
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(decodePng(read(join('icons', `${size}x${size}.png`))).width).toBe(size);
    }
  });
});
