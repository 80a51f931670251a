import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { DomainError } from '../common/errors/domain-error';
import { PageAssets, PageFile } from './page-assets';

/**
 * No inline code anywhere; scripts, styles and connections (fetch, socket.io's WebSocket) to
 * this origin only; camera and microphone for this origin (the call page asks for them).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

@ApiExcludeController()
@Public()
@Controller('pages')
export class PagesController {
  constructor(private readonly assets: PageAssets) {}

  @Get()
  index(@Req() request: Request, @Res() response: Response): void {
    this.send(this.assets.page('index'), request, response);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Req() request: Request, @Res() response: Response): void {
    this.send(this.assets.asset(file), request, response);
  }

  @Get(':page')
  page(@Param('page') page: string, @Req() request: Request, @Res() response: Response): void {
    this.send(page === 'index' ? undefined : this.assets.page(page), request, response);
  }

  private send(file: PageFile | undefined, request: Request, response: Response): void {
    if (!file) throw new DomainError('ROUTE_NOT_FOUND', 'No such page');
    response.setHeader('Content-Type', file.contentType);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Vary', 'Accept-Encoding');
    response.setHeader('ETag', file.etag);
    if (file.immutable) {
      response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    } else {
      // Pages are tiny and name the hashed assets: always revalidate, so a deploy shows at once.
      response.setHeader('Cache-Control', 'no-cache');
      response.setHeader('Content-Security-Policy', PAGE_CSP);
      response.setHeader('Referrer-Policy', 'no-referrer');
      response.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), geolocation=()');
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin-allow-popups');
    }
    if (request.headers['if-none-match'] === file.etag) {
      response.status(304).end();
      return;
    }
    const gzip = file.gzipPath !== null && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (gzip) response.setHeader('Content-Encoding', 'gzip');
    response.sendFile(gzip ? file.gzipPath! : file.path, { headers: {}, lastModified: false, etag: false, cacheControl: false }, (error) => {
      if (error && !response.headersSent) response.status(404).end();
    });
  }
}
