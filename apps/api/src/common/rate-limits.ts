import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { AppConfig } from '@sunlight/config';

type RateLimitName = 'login' | 'upload';
interface RateLimitMark {
  name: RateLimitName;
  factor: number;
}

const RATE_LIMIT = 'sunlight:rate-limit';

/**
 * Puts a route under the per-minute rate configured for `name` (SUNLIGHT_LOGIN_RATE,
 * SUNLIGHT_UPLOAD_RATE), times `factor`. The rate itself is read when a request arrives, from
 * the validated configuration: decorators run before it exists.
 */
export const RateLimit = (name: RateLimitName, factor = 1) => SetMetadata(RATE_LIMIT, { name, factor } satisfies RateLimitMark);

const markOf = (context: ExecutionContext) => Reflect.getMetadata(RATE_LIMIT, context.getHandler()) as RateLimitMark | undefined;

/** One named throttler per rate, counting only the routes marked with it. */
export function rateLimits(config: AppConfig): ThrottlerOptions[] {
  const rates: Record<RateLimitName, number> = { login: config.loginRate, upload: config.uploadRate };
  return (Object.keys(rates) as RateLimitName[]).map((name) => ({
    name,
    ttl: 60_000,
    limit: (context: ExecutionContext) => rates[name] * (markOf(context)?.factor ?? 1),
    skipIf: (context: ExecutionContext) => markOf(context)?.name !== name,
  }));
}
