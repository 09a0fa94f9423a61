import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { INestApplication } from '@nestjs/common';

/** The API's OpenAPI document: served at /api/docs and written for the console's typed client. */
export function apiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('阳光监管 Sunlight API')
      .setDescription('惠民惠农资金监督：发放批次、比对规则、问题线索。先 POST /api/auth/login 取得访问令牌。')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}
