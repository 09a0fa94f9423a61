import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { maskBankAccount, maskIdNumber, maskPersonalData } from '@sunlight/common';

export const REVEALS_KEY = 'sunlight:reveals';
/** This route answers personal data in full, on purpose (and audits it). */
export const RevealsPersonalData = () => SetMetadata(REVEALS_KEY, true);

const ID_KEYS = new Set(['id_number', 'idNumber', 'official_id_number']);
const ACCOUNT_KEYS = new Set(['bank_account', 'bankAccount']);
const NOT_PERSONAL = new Set(['file_sha256', 'hash', 'prevHash', 'headHash', 'accessToken', 'refreshToken']);
/** Amounts in fen (`amountAtRiskFen`, `confirmed_fen`): a large total is 12+ digits, shaped like an account, and is none. */
const FEN = /(Fen|_fen)$/;

/** Masks ID numbers and bank accounts wherever they stand in a JSON answer. */
export function maskResponse(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (ID_KEYS.has(key)) return maskIdNumber(value);
    if (ACCOUNT_KEYS.has(key)) return maskBankAccount(value);
    return NOT_PERSONAL.has(key) || (FEN.test(key) && /^-?\d+$/.test(value)) ? value : maskPersonalData(value);
  }
  if (Array.isArray(value)) return value.map((v) => maskResponse(v, key));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskResponse(v, k)]));
  }
  return value;
}

/**
 * The one place personal data is masked on its way out: every JSON answer, unless the route is
 * a deliberate, audited reveal. Use cases return data as it is; nobody has to remember.
 */
@Injectable()
export class MaskingInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reveals = this.reflector.getAllAndOverride<boolean>(REVEALS_KEY, [context.getHandler(), context.getClass()]);
    return reveals ? next.handle() : next.handle().pipe(map((body) => maskResponse(body)));
  }
}
