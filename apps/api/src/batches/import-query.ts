import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { Actor } from '@sunlight/common';
import type { ImportFilters } from '@sunlight/ingestion';

/** The query of the batch and registry-import lists (the search form above each table). */
export interface ImportQuery {
  status?: string;
  kind?: string;
  fileName?: string;
  by?: string;
  from?: string;
  to?: string;
}

const list = (value?: string) => (value ? value.split(',').map((v) => v.trim()).filter(Boolean) : undefined);

/** The query as the use cases' filters: `by=me` is the caller. */
export function importFilters(query: ImportQuery, actor: Actor): ImportFilters {
  return {
    statuses: list(query.status),
    kinds: list(query.kind),
    fileName: query.fileName || undefined,
    by: query.by === 'me' ? actor.username : query.by || undefined,
    from: query.from || undefined,
    to: query.to || undefined,
  };
}

export const ImportListQuery = (registries = false) =>
  applyDecorators(
    ApiQuery({ name: 'limit', required: false, type: 'integer', description: '每页条数，1–200，默认 50' }),
    ApiQuery({ name: 'before', required: false, type: String, description: '上一页的 next' }),
    ApiQuery({ name: 'status', required: false, type: String, description: '状态，逗号分隔（名称见 /api/labels 的 batchStatus）' }),
    ...(registries ? [ApiQuery({ name: 'kind', required: false, type: String, description: '比对库，逗号分隔（名称见 registry）' })] : []),
    ApiQuery({ name: 'fileName', required: false, type: String, description: '文件名包含' }),
    ApiQuery({ name: 'by', required: false, type: String, description: `${registries ? '导入人' : '上传人'}用户名；me 为本人` }),
    ApiQuery({ name: 'from', required: false, type: String, description: '上传日期起 YYYY-MM-DD（北京时间）' }),
    ApiQuery({ name: 'to', required: false, type: String, description: '上传日期止 YYYY-MM-DD（含当日）' }),
  );
