import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
export const MAX_PHOTOS = 3;

/** Identifies an image by its first bytes, never by the name or the browser's claimed type. */
export function sniffImage(buf: Buffer): ImageType | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export type StoredFile = { contentType: ImageType; size: number; sha256: string; storageKey: string };

/** Content-addressed file store: the same photo uploaded twice is kept once. */
export function createFileStore(dir: string) {
  return {
    async save(buf: Buffer, contentType: ImageType): Promise<StoredFile> {
      const sha256 = createHash('sha256').update(buf).digest('hex');
      const ext = contentType.split('/')[1];
      const storageKey = `${sha256.slice(0, 2)}/${sha256}.${ext}`;
      const full = path.join(dir, storageKey);
      await fs.mkdir(path.dirname(full), { recursive: true });
      await fs.writeFile(full, buf, { flag: 'w' });
      return { contentType, size: buf.length, sha256, storageKey };
    },
    /** The absolute path of a stored file; keys are ours (content hashes), never a citizen's input. */
    pathOf(storageKey: string): string | null {
      if (!/^[0-9a-f]{2}\/[0-9a-f]{64}\.(jpeg|png|webp)$/.test(storageKey)) return null;
      return path.join(dir, storageKey);
    },
  };
}

export type FileStore = ReturnType<typeof createFileStore>;
