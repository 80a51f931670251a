import { Injectable } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

interface Manifest {
  pages: Record<string, string>;
  files: Record<string, { etag: string; bytes: number; gzipBytes: number | null }>;
}

export interface PageFile {
  path: string;
  gzipPath: string | null;
  etag: string;
  contentType: string;
  /** Hashed assets never change under their name. */
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The built pages (scripts/build-pages.mjs → dist/pages). Only files named in the build's
 * manifest are served, so no request path ever reaches the file system unchecked.
 */
@Injectable()
export class PageAssets {
  private manifest?: Manifest;
  private readonly root = PageAssets.locate();

  /** dist/src/pages → dist/pages when built; src/pages → dist/pages when run from source (tests). */
  static locate(): string {
    const candidates = [resolve(__dirname, '..', '..', 'pages'), resolve(__dirname, '..', '..', 'dist', 'pages')];
    return candidates.find((dir) => existsSync(join(dir, 'manifest.json'))) ?? candidates[0];
  }

  page(name: string): PageFile | undefined {
    const file = this.load()?.pages[name];
    return file ? this.file(file, false) : undefined;
  }

  asset(name: string): PageFile | undefined {
    return this.file(`assets/${name}`, true);
  }

  private file(relative: string, immutable: boolean): PageFile | undefined {
    const info = this.load()?.files[relative];
    if (!info) return undefined;
    return {
      path: join(this.root, relative),
      gzipPath: info.gzipBytes === null ? null : join(this.root, `${relative}.gz`),
      etag: info.etag,
      contentType: CONTENT_TYPES[extname(relative)] ?? 'application/octet-stream',
      immutable,
    };
  }

  private load(): Manifest | undefined {
    if (this.manifest) return this.manifest;
    const path = join(this.root, 'manifest.json');
    if (!existsSync(path)) return undefined;
    this.manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    return this.manifest;
  }
}
