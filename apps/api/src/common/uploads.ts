import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { MulterModule } from '@nestjs/platform-express';
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
