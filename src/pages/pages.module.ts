import { Module } from '@nestjs/common';
import { PageAssets } from './page-assets';
import { PagesController } from './pages.controller';

/** The browser pages (guardian call, hub, child kiosk, counselor inbox), built by scripts/build-pages.mjs. */
@Module({ controllers: [PagesController], providers: [PageAssets] })
export class PagesModule {}
