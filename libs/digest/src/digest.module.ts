import { Module } from '@nestjs/common';
import { AccountsModule } from '@sunlight/accounts';
import { LeadsModule } from '@sunlight/leads';
import { RegionsModule } from '@sunlight/regions';
import { ComposeDigest } from './compose-digest.js';
import { Mailer, WebhookSender } from './delivery.js';
import { DigestProcessor } from './digest.processor.js';
import { Digests } from './digests.js';

@Module({
  imports: [LeadsModule, AccountsModule, RegionsModule],
  providers: [ComposeDigest, Mailer, WebhookSender, Digests, DigestProcessor],
  exports: [Digests, ComposeDigest],
})
export class DigestModule {}
