import { PayloadTooLargeException } from '@nestjs/common';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import { ATTACHMENT_MAX_BYTES, attachmentTooLarge } from '@sunlight/leads';

/**
 * An upload's bytes, held out of sight: the request log walks the request (req.file included)
 * to mask it, and ten million bytes as enumerable keys would stall the process.
 */
export class HeldBytes {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
}

/** An attachment as multer hands it over: in memory, never more than ATTACHMENT_MAX_BYTES. */
export interface UploadedAttachment {
  originalname: string;
  content: HeldBytes;
  size: number;
}

/** multer reads the name as latin1; browsers send UTF-8 (Chinese file names). */
export function utf8Name(name: string): string {
  const decoded = Buffer.from(name, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? name : decoded;
}

/**
 * Keeps an attachment in memory up to the limit, and stops reading it at the first byte past it
 * with a 413 that names the file: nothing is written anywhere, so a refused upload leaves no trace.
 */
export class AttachmentStorage implements StorageEngine {
  _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<UploadedAttachment>) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: unknown, info?: Partial<UploadedAttachment>) => {
      if (done) return;
      done = true;
      callback(error, info);
    };
    file.stream.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > ATTACHMENT_MAX_BYTES) {
        const name = utf8Name(file.originalname);
        finish(new PayloadTooLargeException({ statusCode: 413, error: 'Payload Too Large', message: attachmentTooLarge(name), details: { file: name, column: 'file', expected: `≤ ${ATTACHMENT_MAX_BYTES} bytes` } }));
        file.stream.resume(); // read the rest away; multer ends the request
        return;
      }
      chunks.push(chunk);
    });
    file.stream.on('error', (error) => finish(error));
    file.stream.on('end', () => finish(undefined, { content: new HeldBytes(Buffer.concat(chunks)), size }));
  }

  _removeFile(_req: Request, _file: Express.Multer.File, callback: (error: Error | null) => void): void {
    callback(null); // nothing was written anywhere
  }
}
