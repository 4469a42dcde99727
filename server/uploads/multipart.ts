import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { PayloadTooLarge } from '../errors';
import { MAX_PHOTO_BYTES } from './service';

export type ReceivedFile = { originalname: string; buffer: Buffer; size: number; tooLarge: boolean };

/**
 * Keeps a file in memory up to the photo limit and drains the rest, instead of aborting the whole
 * request as multer's own limit does: the form's other fields survive, so a rejected form can be
 * shown again with what the citizen typed.
 */
class BoundedMemoryStorage implements multer.StorageEngine {
  _handleFile(_req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File> & { tooLarge?: boolean }) => void) {
    const chunks: Buffer[] = [];
    let size = 0;
    file.stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PHOTO_BYTES) chunks.push(chunk);
    });
    file.stream.on('error', (err) => cb(err));
    file.stream.on('end', () => cb(null, { buffer: size <= MAX_PHOTO_BYTES ? Buffer.concat(chunks) : Buffer.alloc(0), size, tooLarge: size > MAX_PHOTO_BYTES }));
  }

  _removeFile(_req: Request, file: Express.Multer.File & { buffer?: Buffer }, cb: (error: Error | null) => void) {
    file.buffer = Buffer.alloc(0);
    cb(null);
  }
}

// Three photos of 5 MB plus the text fields; anything larger is refused before it is read.
const MAX_REQUEST_BYTES = 3 * MAX_PHOTO_BYTES + 512 * 1024;

/** Parses a multipart form with up to `maxFiles` files in `field` (extra files are kept for a clear error). */
export function multipartForm(field: string, maxFiles: number) {
  const upload = multer({
    storage: new BoundedMemoryStorage(),
    limits: { files: maxFiles + 2, fields: 50, fieldSize: 100 * 1024, parts: 60 },
  }).array(field, maxFiles + 2);
  return (req: Request, res: Response, next: NextFunction) => {
    if (Number(req.get('content-length') ?? 0) > MAX_REQUEST_BYTES) return next(new PayloadTooLarge());
    if (!req.is('multipart/form-data')) return next();
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      const e = err as { code?: string };
      // Too many files or fields means a crafted request, not a citizen's form.
      next(e.code?.startsWith('LIMIT_') ? Object.assign(new PayloadTooLarge(), { cause: err }) : err);
    });
  };
}

export function receivedFiles(req: Request): ReceivedFile[] {
  return ((req.files as unknown as ReceivedFile[] | undefined) ?? []).filter((f) => f.size > 0 || f.originalname);
}
