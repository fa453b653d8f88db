import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'

const ROOT = path.resolve(import.meta.dirname, '../../..')
const require = createRequire(import.meta.url)
// tsconfig.web.json compiles from src, so the page scripts land in dist/web/console/pages, one flat folder: their
// relative imports (./dom.js) resolve under /assets/ as they do on disk.
const WEB_DIR = path.join(ROOT, 'dist', 'web', 'console', 'pages')
// Next to this file's pages folder: src/console/pages when run from source, dist/console/pages (copied by the build).
const APP_CSS = path.resolve(import.meta.dirname, '../pages/app.css')

interface Asset { type: string; body: Buffer; etag: string }

/** Vendor files served from node_modules (no CDN: everything comes from this server). */
function vendorFiles(): Record<string, string> {
  return {
    'chart.umd.min.js': path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
    'wecom.global.prod.js': path.join(path.dirname(require.resolve('@wecom/jssdk')), 'wecom.global.prod.js'),
  }
}

function asset(type: string, body: Buffer): Asset {
  return { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` }
}

/**
 * Static assets from a fixed list read once at start: the console's compiled scripts (dist/web), its stylesheet
 * and the vendor bundles. A fixed list means no path from a URL ever reaches the file system.
 */
export function registerAssetRoutes(app: FastifyInstance): void {
  const assets = new Map<string, Asset>()
  assets.set('app.css', asset('text/css; charset=utf-8', fs.readFileSync(APP_CSS)))
  for (const [name, file] of Object.entries(vendorFiles())) assets.set(name, asset('text/javascript; charset=utf-8', fs.readFileSync(file)))
  if (fs.existsSync(WEB_DIR)) {
    for (const name of fs.readdirSync(WEB_DIR)) {
      if (name.endsWith('.js')) assets.set(name, asset('text/javascript; charset=utf-8', fs.readFileSync(path.join(WEB_DIR, name))))
    }
  } else {
    app.log.warn({ dir: WEB_DIR }, 'console scripts are not built; run npm run build')
  }

  app.get<{ Params: { name: string } }>('/assets/:name', { config: { access: 'public' } }, async (request, reply) => {
    const found = assets.get(request.params.name)
    if (!found) return reply.code(404).send({ error: 'not_found', message: '资源不存在' })
    if (request.headers['if-none-match'] === found.etag) return reply.code(304).send()
    return reply.type(found.type).header('etag', found.etag).header('cache-control', 'no-cache').send(found.body)
  })
}
