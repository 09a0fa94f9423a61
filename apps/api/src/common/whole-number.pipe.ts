import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { FROM_THE_START } from '@sunlight/ingestion';

/** The largest id a bigint identity column hands out in practice (18 digits always fit a bigint). */
export const MAX_ID = '999999999999999999';

interface WholeNumberOptions {
  /** The smallest allowed value: 1 (a count, a size) or 0 (a position, e.g. "rows after 0"). */
  min?: 0 | 1;
  /** The largest allowed value. */
  max: number;
  /** What an absent parameter means; without it the parameter is required. */
  fallback?: number;
}

/**
 * The one check of a whole number in a query string or path: anything else (1e999, -1, 1.5,
 * abc, 99999999999999999999) is a 400 naming the parameter and what it expects, never a 500
 * from a database that was handed NaN or Infinity.
 */
export class WholeNumberPipe implements PipeTransform<string | undefined, number> {
  constructor(
    private readonly name: string,
    private readonly options: WholeNumberOptions,
  ) {}

  transform(value: string | undefined): number {
    const { min = 1, max, fallback } = this.options;
    if ((value === undefined || value === '') && fallback !== undefined) return fallback;
    const n = value !== undefined && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    if (!(n >= min && n <= max)) throw refused(this.name, `${min === 0 ? '非负整数' : '正整数'}，不大于 ${max}`, `a ${min === 0 ? 'non-negative' : 'positive'} integer ≤ ${max}`);
    return n;
  }
}

/** An id in a path: a positive integer of at most 18 digits, kept as text (ids are bigints). */
export class IdPipe implements PipeTransform<string | undefined, string> {
  constructor(private readonly name = 'id') {}

  transform(value: string | undefined): string {
    if (value === undefined || !/^\d{1,18}$/.test(value) || /^0+$/.test(value)) throw refused(this.name, `正整数，不大于 ${MAX_ID}`, `a positive integer ≤ ${MAX_ID}`);
    return value;
  }
}

function refused(name: string, zh: string, en: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `参数 ${name} 应为${zh} (${name} must be ${en})`, parameter: name });
}

/** Page sizes of the lists. */
export const pageSize = (fallback = 50, max = 200) => new WholeNumberPipe('limit', { max, fallback });
/** "Rows after this row number" of the rejections: row numbers fit an int; absent, from the start (row 0 included). */
export const afterRow = () => new WholeNumberPipe('after', { min: 0, max: 2_147_483_647, fallback: FROM_THE_START });
/** A `before` cursor of a list: a batch or import id. */
export const beforeId = () => new IdPipeOptional('before');

/** An optional id (a `before` cursor): absent stays absent, anything else must be an id. */
export class IdPipeOptional implements PipeTransform<string | undefined, string | undefined> {
  private readonly id: IdPipe;
  constructor(name: string) {
    this.id = new IdPipe(name);
  }

  transform(value: string | undefined): string | undefined {
    return value === undefined || value === '' ? undefined : this.id.transform(value);
  }
}
