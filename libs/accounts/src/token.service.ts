import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey, randomBytes } from 'node:crypto';
import { AuthError } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { AppMetaService } from '@sunlight/database';

/** Short-lived access tokens: a stolen one is worth 15 minutes; refresh tokens are sessions. */
export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_DAYS = 14;
/** How long the refresh token a rotation replaced stays good: a page left mid-refresh never got the new one. */
export const REFRESH_REUSE_SECONDS = 30;

export interface AccessClaims {
  sub: string;
  sid: string;
  role: string;
}

/**
 * Signs and checks access tokens (JWT, HS256). The key is SUNLIGHT_JWT_SECRET, or one made at
 * the first start and kept in the database, so that every process of an installation shares it.
 */
@Injectable()
export class TokenService {
  private jwt?: Promise<JwtService>;

  constructor(
    private readonly meta: AppMetaService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private service(): Promise<JwtService> {
    this.jwt ??= (async () => {
      let secret = this.config.jwtSecret;
      if (!secret) {
        secret = await this.meta.get<string>('jwt-secret');
        if (!secret) {
          await this.meta.setIfAbsent('jwt-secret', randomBytes(48).toString('base64url'));
          secret = (await this.meta.get<string>('jwt-secret'))!;
        }
      }
      // A KeyObject, not the text: given text, jsonwebtoken tries it as a PEM public key (and
      // fails) on every verify, a tenth of the API's time under load.
      return new JwtService({ secret: createSecretKey(Buffer.from(secret)), signOptions: { algorithm: 'HS256', expiresIn: ACCESS_TTL_SECONDS, issuer: 'sunlight' }, verifyOptions: { algorithms: ['HS256'], issuer: 'sunlight' } });
    })();
    return this.jwt;
  }

  async sign(claims: AccessClaims): Promise<string> {
    return (await this.service()).signAsync(claims);
  }

  async verify(token: string): Promise<AccessClaims> {
    try {
      return await (await this.service()).verifyAsync<AccessClaims>(token);
    } catch {
      throw new AuthError();
    }
  }
}
