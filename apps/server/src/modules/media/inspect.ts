// What WeCom checks in a file that Pond can check first, from the file's own header: an image's size in pixels
// (PNG, JPEG) and an MP4 video's length. Unknown or damaged headers answer null: the caller lets WeCom decide.

/** Width and height of a PNG or JPEG, or null. */
export function imageSize(b: Buffer): { width: number; height: number } | null {
  // PNG: the signature, then the IHDR chunk: width and height as big-endian 32-bit numbers at bytes 16 and 20.
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR') {
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  // JPEG: walk the segments to the first start-of-frame (SOF0–SOF15 but DHT C4, JPG C8, DAC CC).
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) { i++; continue; }
      const marker = b[i + 1];
      if (marker === 0xff) { i++; continue; }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
      const len = b.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
      }
      if (len < 2) return null;
      i += 2 + len;
    }
  }
  return null;
}

/** Boxes of an MP4 (ISO BMFF) between `start` and `end`: type, where its content starts, where it ends. */
function* boxes(b: Buffer, start: number, end: number): Generator<{ type: string; body: number; end: number }> {
  let i = start;
  while (i + 8 <= end) {
    let size = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    let body = i + 8;
    if (size === 1) {
      if (i + 16 > end) return;
      size = Number(b.readBigUInt64BE(i + 8));
      body = i + 16;
    } else if (size === 0) {
      size = end - i;
    }
    if (size < 8 || i + size > end) return;
    yield { type, body, end: i + size };
    i += size;
  }
}

/** An MP4's length in seconds (its movie header), or null. */
export function mp4Seconds(b: Buffer): number | null {
  for (const moov of boxes(b, 0, b.length)) {
    if (moov.type !== 'moov') continue;
    for (const box of boxes(b, moov.body, moov.end)) {
      if (box.type !== 'mvhd') continue;
      const version = b[box.body];
      const base = box.body + 4;
      if (version === 1) {
        if (base + 28 > box.end) return null;
        const scale = b.readUInt32BE(base + 16);
        const duration = Number(b.readBigUInt64BE(base + 20));
        return scale ? duration / scale : null;
      }
      if (base + 16 > box.end) return null;
      const scale = b.readUInt32BE(base + 8);
      return scale ? b.readUInt32BE(base + 12) / scale : null;
    }
  }
  return null;
}
