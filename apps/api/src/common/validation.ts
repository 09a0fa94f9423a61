import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, type ValidationError } from 'class-validator';

/** One problem of a request, for the console to show beside the field it concerns. */
export interface FieldError {
  /** The request field (`username`, `items.0.amount`, or a query or path parameter). */
  field: string;
  /** What is wrong and what was expected, in Chinese, without the field's name. */
  message: string;
}

type Args = unknown[];

/**
 * The Chinese of class-validator's checks, by constraint name: the one place where request
 * validation speaks to people. `args` are the decorator's arguments (a length, a list …),
 * `example` the field's example in the OpenAPI document.
 */
const MESSAGES: Record<string, (args: Args, example?: unknown) => string> = {
  whitelistValidation: () => '不接受此字段',
  isDefined: () => '必填',
  isNotEmpty: () => '不能为空',
  isString: () => '应为文本',
  isBoolean: () => '应为 true 或 false',
  isBooleanString: () => '应为 true 或 false',
  isInt: () => '应为整数',
  isNumber: () => '应为数字',
  isNumberString: () => '应为数字',
  isArray: () => '应为列表',
  isObject: () => '应为对象',
  nestedValidation: () => '应为对象或列表',
  isEmail: () => '应为有效的电子邮箱地址，例如 name@example.com',
  isDateString: () => '应为日期，例如 2024-05-01',
  isISO8601: () => '应为日期，例如 2024-05-01',
  isUUID: () => '格式不正确',
  maxLength: ([n]) => `不能超过 ${n} 个字符`,
  minLength: ([n]) => `至少 ${n} 个字符`,
  length: ([min, max]) => (max === undefined ? `至少 ${min} 个字符` : `长度应为 ${min}–${max} 个字符`),
  min: ([n]) => `不能小于 ${n}`,
  max: ([n]) => `不能大于 ${n}`,
  arrayMaxSize: ([n]) => `最多 ${n} 项`,
  arrayMinSize: ([n]) => `至少 ${n} 项`,
  arrayNotEmpty: () => '至少 1 项',
  isIn: ([values]) => `应为 ${(values as unknown[]).join('、')} 之一`,
  isEnum: ([values]) => `应为 ${Object.values(values as object).join('、')} 之一`,
  matches: (_args, example) => (example !== undefined && example !== '' ? `格式不正确，例如 ${example}` : '格式不正确'),
};

/** Which of several failed checks of one field to report: the most basic first. */
const PRIORITY = ['whitelistValidation', 'isDefined', 'isNotEmpty', 'isString', 'isBoolean', 'isBooleanString', 'isInt', 'isNumber', 'isArray', 'isObject', 'nestedValidation'];

const CJK = /[\u3400-\u9fff]/;

/** Where @ApiProperty keeps a property's options (@nestjs/swagger's DECORATORS.API_MODEL_PROPERTIES). */
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

interface SwaggerProperty {
  title?: string;
  example?: unknown;
}

function swaggerProperty(target: object | undefined, property: string): SwaggerProperty {
  if (!target) return {};
  return (Reflect.getMetadata(SWAGGER_PROPERTY, Object.getPrototypeOf(target), property) as SwaggerProperty | undefined) ?? {};
}

function constraintArgs(target: object | undefined, property: string, name: string): Args {
  if (!target) return [];
  const metadata = getMetadataStorage()
    .getTargetValidationMetadatas(target.constructor, '', false, false)
    .find((m) => m.propertyName === property && m.name === name);
  return metadata?.constraints ?? [];
}

/** The message of one field: a custom (Chinese) message as written, else our Chinese. */
function messageOf(error: ValidationError): string {
  const constraints = error.constraints ?? {};
  const names = Object.keys(constraints).sort((a, b) => rank(a) - rank(b));
  const first = names[0];
  if (constraints[first] && CJK.test(constraints[first])) return constraints[first];
  const target = error.target as Record<string, unknown> | undefined;
  if (first !== 'whitelistValidation' && target && (target[error.property] === undefined || target[error.property] === null)) return '必填';
  if (first !== 'whitelistValidation' && target?.[error.property] === '') return '不能为空';
  const translate = MESSAGES[first];
  if (!translate) return `不符合要求 (${constraints[first]})`;
  return translate(constraintArgs(target, error.property, first), swaggerProperty(target, error.property).example);
}

function rank(name: string): number {
  const i = PRIORITY.indexOf(name);
  return i < 0 ? PRIORITY.length : i;
}

/** Every field error of a validation, nested ones with their path (`items.0.amount`). */
export function fieldErrors(errors: ValidationError[], parent = ''): (FieldError & { label: string })[] {
  const out: (FieldError & { label: string })[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints && Object.keys(error.constraints).length) {
      const title = swaggerProperty(error.target, error.property).title;
      out.push({ field, label: title ?? field, message: messageOf(error) });
    }
    if (error.children?.length) out.push(...fieldErrors(error.children, field));
  }
  return out;
}

/** The answer to a request that failed validation: 400 with the Chinese message and a list per field. */
export function validationException(errors: ValidationError[]): BadRequestException {
  const list = fieldErrors(errors);
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: list.map((e) => `${e.label}：${e.message}`).join('；'),
    errors: list.map(({ field, message }) => ({ field, message })),
  });
}

/** The API's one validation pipe: unknown fields refused, errors in Chinese per field. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, validationError: { target: true, value: false }, exceptionFactory: validationException });
}
