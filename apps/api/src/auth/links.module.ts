import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { SignedLinks } from '@sunlight/accounts';
import { LinkableRoutes, LinksController } from './links.controller.js';

/** Signed links (POST /api/links) and what checks them; the access guard takes SignedLinks from here. */
@Module({
  imports: [DiscoveryModule],
  controllers: [LinksController],
  providers: [SignedLinks, LinkableRoutes],
  exports: [SignedLinks],
})
export class LinksModule {}
