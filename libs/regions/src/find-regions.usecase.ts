import { Injectable } from '@nestjs/common';
import { ActorContext, InputError, NotFoundError } from '@sunlight/common';
import { normalizeRegionCode } from './region-code.js';
import type { Region } from './region-types.js';
import { RegionsService } from './regions.service.js';

export class FindRegionsCommand {
  constructor(
    /** The region whose children are wanted; '' the provinces. Null: not this question. */
    readonly parent: string | null,
    /** The regions wanted by code. Null: not this question. */
    readonly codes: string[] | null,
  ) {}
}

/** The most codes one question may name. */
export const MAX_REGION_CODES = 500;

/**
 * Region names for the console, from the catalogue, limited to what the actor may see: the
 * regions of their scope and those above it (the breadcrumb's start). By parent: its children
 * (a parent outside that answers 404). By codes: those of them known and visible. Neither: the
 * actor's own region and those above it, province first.
 */
@Injectable()
export class FindRegions {
  constructor(private readonly regions: RegionsService) {}

  async execute(command: FindRegionsCommand): Promise<Region[]> {
    const scope = ActorContext.current().scope;
    if (scope === null) return [];
    const visible = (code: string) => code.startsWith(scope) || scope.startsWith(code);
    if (command.parent !== null) {
      const parent = command.parent === '' ? '' : normalizeRegionCode(command.parent);
      if (parent === null) throw new InputError(`行政区划代码 "${command.parent}" 无效`, { column: 'parent', value: command.parent, expected: '2、4、6 位数字（省、市、县）' });
      if (!visible(parent)) throw new NotFoundError(`行政区划 ${parent} 不在您的辖区内 (not in your region)`);
      return (await this.regions.children(parent)).filter((r) => visible(r.code));
    }
    if (command.codes !== null) {
      if (command.codes.length > MAX_REGION_CODES) throw new InputError(`一次最多查询 ${MAX_REGION_CODES} 个行政区划`, { column: 'codes', value: String(command.codes.length), expected: `≤ ${MAX_REGION_CODES}` });
      const wanted = [...new Set(command.codes.map((c) => normalizeRegionCode(c)).filter((c): c is string => c !== null && visible(c)))];
      const names = await this.regions.named(wanted);
      return names;
    }
    return scope === '' ? [] : this.regions.lineage(scope);
  }
}
