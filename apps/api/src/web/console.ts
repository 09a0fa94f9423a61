import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** dist/web, where scripts/build.mjs puts the Vite build of apps/web. */
export const CONSOLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../web');

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>阳光监管</title>
<p>网页控制台尚未构建：请运行 <code>npm run build</code> 或 <code>npm start</code>。API 文档见 <a href="/api/docs">/api/docs</a>。</p></html>`;

/** Paths the API answers itself; every other GET is a console page (history-mode routing). */
const API_PATHS = /^\/(api|health|assets)(\/|$)/;

/**
 * Serves the web console at `/`: hashed assets cached for a year, index.html never cached, and
 * index.html for any page path so that a reload or a shared link opens the right page.
 */
export function serveConsole(app: NestExpressApplication): void {
  const index = path.join(CONSOLE_DIR, 'index.html');
  const page = existsSync(index) ? readFileSync(index, 'utf8') : NOT_BUILT;
  app.use('/assets/', precompressed(path.join(CONSOLE_DIR, 'assets')));
  app.useStaticAssets(path.join(CONSOLE_DIR, 'assets'), { prefix: '/assets/', immutable: true, maxAge: '365d', index: false });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  });
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.json': 'application/json' };

/** Serves the build's .br/.gz copy of an asset when the browser accepts it (scripts/build.mjs writes them). */
function precompressed(dir: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const type = TYPES[path.extname(req.path)];
    const accepts = String(req.headers['accept-encoding'] ?? '');
    if (!type || (req.method !== 'GET' && req.method !== 'HEAD') || req.path.includes('..')) return next();
    for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']] as const) {
      const file = path.join(dir, `${req.path}${suffix}`);
      if (!new RegExp(`\\b${encoding}\\b`).test(accepts) || !file.startsWith(dir + path.sep) || !existsSync(file)) continue;
      res.setHeader('Content-Encoding', encoding);
      res.setHeader('Content-Type', type);
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      return res.sendFile(file);
    }
    next();
  };
}
