import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import path from 'node:path';
import { HttpException, Inject, Injectable, UseInterceptors, applyDecorators, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { FileInterceptor, MulterModule } from '@nestjs/platform-express';
import { catchError, throwError, type Observable } from 'rxjs';
import { diskStorage } from 'multer';
import { APP_CONFIG, type AppConfig } from '@sunlight/config';
import { uploadsDir } from '@sunlight/ingestion';

/** An uploaded file as multer hands it over (streamed to disk, never held in memory). */
export interface UploadedFileInfo {
  path: string;
  originalname: string;
  size: number;
}

/** Uploads stream to SUNLIGHT_DATA_DIR/uploads, capped at SUNLIGHT_UPLOAD_LIMIT_MB. */
export const UploadsModule = MulterModule.registerAsync({
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({
    storage: diskStorage({
      destination: uploadsDir(config.dataDir),
      filename: (_req, file, done) => done(null, `${randomUUID()}${path.extname(file.originalname).toLowerCase().replace(/[^.a-z0-9]/g, '')}`),
    }),
    limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 20 },
  }),
});

/** multer reads the name as latin1; browsers send UTF-8 (Chinese file names). */
export function originalName(file: UploadedFileInfo): string {
  const decoded = Buffer.from(file.originalname, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? file.originalname : decoded;
}

/**
 * multer's refusals (a file past the limit, a file under another field, two files, a torn
 * body) in Chinese, naming the field and what was expected, as every other error of the API:
 * `errors: [{ field: 'file', message }]` puts the message next to the upload in the console.
 */
@Injectable()
export class UploadErrorsInChinese implements NestInterceptor {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((err: unknown) => throwError(() => inChinese(err, this.config.uploadLimitBytes))));
  }
}

/** The one multipart file of an upload route, field `file`, streamed to disk; refusals in Chinese. */
export const UploadedFileField = () => applyDecorators(UseInterceptors(UploadErrorsInChinese, FileInterceptor('file')));

function inChinese(err: unknown, limitBytes: number): unknown {
  if (!(err instanceof HttpException)) return err;
  const cause = (err as { cause?: { code?: string; field?: string } }).cause;
  const code = cause?.code;
  const status = err.getStatus();
  const refuse = (message: string) => new HttpException({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, errors: [{ field: 'file', message }] }, status);
  const mb = Math.round(limitBytes / (1024 * 1024));
  switch (code) {
    case 'LIMIT_FILE_SIZE':
      return refuse(`文件超过上传上限 ${mb} MB（SUNLIGHT_UPLOAD_LIMIT_MB），请拆分后分批上传 (the file is larger than ${mb} MB)`);
    case 'LIMIT_UNEXPECTED_FILE':
    case 'LIMIT_FILE_COUNT':
      return cause?.field && cause.field !== 'file'
        ? refuse(`文件应放在表单字段 file 中，收到的字段是 "${cause.field}" (the file goes in the multipart field "file")`)
        : refuse('一次只能上传一个文件（表单字段 file）(one file per upload)');
    case 'LIMIT_PART_COUNT':
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_FIELD_KEY':
    case 'LIMIT_FIELD_VALUE':
    case 'LIMIT_FIELD_NESTING':
    case 'LIMIT_FIELD_ARRAY_INDEX':
    case 'INVALID_FIELD_NAME':
    case 'MISSING_FIELD_NAME':
      return refuse('上传表单的字段过多或过长：只需文件 file 和说明的选项 (too many or too long form fields)');
  }
  if (status === 415) return refuse('请以 multipart/form-data 上传，文件放在表单字段 file 中 (send multipart/form-data)');
  if (status === 400 && /^(Multipart|Malformed|Unexpected end)/i.test(String((err.getResponse() as { message?: unknown }).message ?? ''))) {
    return refuse('上传的内容不完整或已损坏，请重新上传 (the multipart body is malformed or cut off)');
  }
  return err;
}

/** An upload without its file. */
export function missingFile(): HttpException {
  const message = '请选择要上传的文件（表单字段 file：CSV 或 XLSX）(multipart field "file" is required)';
  return new HttpException({ statusCode: 400, error: 'Bad Request', message, errors: [{ field: 'file', message }] }, 400);
}
