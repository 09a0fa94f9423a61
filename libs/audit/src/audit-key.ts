import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Provider } from '@nestjs/common';
import { StartupError } from '@sunlight/common';
import { APP_CONFIG, decodeAuditKey, type AppConfig } from '@sunlight/config';

/** Injects the audit key (a Buffer): the one place that knows where it comes from. */
export const AUDIT_KEY = Symbol('AUDIT_KEY');

/** Where the key is made at first start when neither SUNLIGHT_AUDIT_KEY nor _FILE is set. */
export const auditKeyPath = (config: AppConfig) => path.join(config.dataDir, 'audit.key');

export const auditKeyProvider: Provider = {
  provide: AUDIT_KEY,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => loadAuditKey(config),
};

/**
 * The key of the audit chain and its checkpoints. It must never be in the database: whoever
 * can write the database must not be able to re-sign what they changed.
 */
export async function loadAuditKey(config: AppConfig): Promise<Buffer> {
  if (config.audit.key) return config.audit.key;
  if (config.audit.keyFile) return readKeyFile(config.audit.keyFile, 'SUNLIGHT_AUDIT_KEY_FILE', false);
  const file = auditKeyPath(config);
  try {
    return await readKeyFile(file, 'audit.key', true);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // First start: written whole to a file of our own, then linked into place. link() fails if
  // another process (API and worker share the data directory) got there first; then theirs holds.
  await mkdir(config.dataDir, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(`${randomBytes(32).toString('hex')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return readKeyFile(file, 'audit.key', true);
}

async function readKeyFile(file: string, name: string, private_: boolean): Promise<Buffer> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && private_) throw err;
    throw new StartupError(`审计密钥文件无法读取 (cannot read the audit key file) ${file} (${name}): ${(err as Error).message}`);
  }
  // The key signs the audit trail: a copy readable by others is a key given away.
  if (private_ && (info.mode & 0o077) !== 0) {
    throw new StartupError(
      `审计密钥文件 ${file} 可被其他用户读取（权限 ${(info.mode & 0o777).toString(8)}），请执行 chmod 600 ${file} 后再启动 ` +
        `(the audit key file is readable by group or others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it, then start again)`,
    );
  }
  const key = decodeAuditKey(await readFile(file, 'utf8'));
  if (typeof key === 'string') throw new StartupError(`审计密钥文件 ${file} 内容无效 (the audit key in ${file} (${name}) ${key})`);
  return key;
}
