// Writes public/favicon.ico: the drawing of public/favicon.svg (a speech bubble on a blue square)
// rasterised at 32x32, for clients that ask for /favicon.ico. No image library: the shapes are
// tested per sub-pixel (4x4 per pixel, for smooth edges) and stored as a 32-bit BMP inside an ICO.
// Run: node examples/chat/scripts/make-favicon.mjs
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SIZE = 32;
const SAMPLES = 4;
const BLUE = [0x39, 0x49, 0xab];
const WHITE = [0xff, 0xff, 0xff];

function inRoundedRect(x, y, left, top, right, bottom, r) {
  if (x < left || x > right || y < top || y > bottom) return false;
  const cx = Math.min(Math.max(x, left + r), right - r);
  const cy = Math.min(Math.max(y, top + r), bottom - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function inTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const side = (px, py, qx, qy) => (x - qx) * (py - qy) - (px - qx) * (y - qy);
  const d1 = side(ax, ay, bx, by);
  const d2 = side(bx, by, cx, cy);
  const d3 = side(cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** The colour at a point of the 32x32 drawing, or null outside it. */
function colourAt(x, y) {
  if (!inRoundedRect(x, y, 0, 0, 32, 32, 7)) return null;
  const dot = [11, 16, 21].some((cx) => (x - cx) ** 2 + (y - 15) ** 2 <= 1.8 ** 2);
  if (dot) return BLUE;
  if (inRoundedRect(x, y, 5, 8, 27, 22, 2) || inTriangle(x, y, [14, 22], [8, 27], [8, 22])) return WHITE;
  return BLUE;
}

const pixels = Buffer.alloc(SIZE * SIZE * 4);
for (let row = 0; row < SIZE; row++) {
  for (let col = 0; col < SIZE; col++) {
    const sum = [0, 0, 0];
    let covered = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const colour = colourAt(col + (sx + 0.5) / SAMPLES, row + (sy + 0.5) / SAMPLES);
        if (!colour) continue;
        covered++;
        for (let i = 0; i < 3; i++) sum[i] += colour[i];
      }
    }
    // BMP rows go bottom-up, pixels as BGRA.
    const at = ((SIZE - 1 - row) * SIZE + col) * 4;
    if (covered > 0) {
      pixels[at] = Math.round(sum[2] / covered);
      pixels[at + 1] = Math.round(sum[1] / covered);
      pixels[at + 2] = Math.round(sum[0] / covered);
    }
    pixels[at + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
  }
}

const mask = Buffer.alloc(SIZE * (SIZE / 8)); // 1 bit per pixel, all 0: the alpha channel decides
const info = Buffer.alloc(40);
info.writeUInt32LE(40, 0); // header size
info.writeInt32LE(SIZE, 4); // width
info.writeInt32LE(SIZE * 2, 8); // height: colour rows + mask rows
info.writeUInt16LE(1, 12); // planes
info.writeUInt16LE(32, 14); // bits per pixel
info.writeUInt32LE(pixels.length + mask.length, 20); // image size
const image = Buffer.concat([info, pixels, mask]);

const header = Buffer.alloc(6 + 16);
header.writeUInt16LE(1, 2); // type: icon
header.writeUInt16LE(1, 4); // one image
header.writeUInt8(SIZE, 6);
header.writeUInt8(SIZE, 7);
header.writeUInt16LE(1, 10); // planes
header.writeUInt16LE(32, 12); // bits per pixel
header.writeUInt32LE(image.length, 14);
header.writeUInt32LE(header.length, 18); // offset of the image

const out = fileURLToPath(new URL("../public/favicon.ico", import.meta.url));
writeFileSync(out, Buffer.concat([header, image]));
console.log(`wrote ${out}`);
