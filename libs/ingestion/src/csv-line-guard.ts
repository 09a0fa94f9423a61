import { Transform, type TransformCallback } from 'node:stream';
import { FILE_LIMITS, lineTooLong, tooManyRows, type FileLimits } from './file-limits.js';

const NL = 0x0a;

/**
 * Passes a CSV file through unchanged (to COPY) while it measures its lines: a line longer than
 * the limit, or more lines than the row limit, stops the stream with a clear InputError. Nothing
 * is buffered: only the length of the current line is kept.
 */
export class CsvLineGuard extends Transform {
  private line = 1;
  private lineLength = 0;

  constructor(
    private readonly displayName: string,
    private readonly limits: Pick<FileLimits, 'lineBytes' | 'rows'> = FILE_LIMITS,
  ) {
    super();
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, start);
      const end = nl < 0 ? chunk.length : nl;
      this.lineLength += end - start;
      if (this.lineLength > this.limits.lineBytes) return done(lineTooLong(this.displayName, this.limits.lineBytes, this.line));
      if (nl < 0) break;
      if (this.tooMany()) return done(tooManyRows(this.displayName, this.limits.rows, this.line));
      this.line++;
      this.lineLength = 0;
      start = nl + 1;
    }
    done(null, chunk);
  }

  _flush(done: TransformCallback): void {
    done(this.lineLength > 0 && this.tooMany() ? tooManyRows(this.displayName, this.limits.rows, this.line) : null);
  }

  /** The header is line 1: data rows are the lines after it. */
  private tooMany(): boolean {
    return this.line - 1 > this.limits.rows;
  }
}
