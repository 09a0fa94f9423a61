import { Module } from '@nestjs/common';
import { LeadsModule } from '@sunlight/leads';
import { ComposeDigest } from './compose-digest.js';
import { Mailer, WebhookSender } from './delivery.js';
import { DigestProcessor } from './digest.processor.js';
import { Digests } from './digests.js';

@Module({
  imports: [LeadsModule],
  providers: [ComposeDigest, Mailer, WebhookSender, Digests, DigestProcessor],
  exports: [Digests, ComposeDigest],
})
export class DigestModule {}
