import { createCipheriv } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** WeCom's AI-bot file encryption, written with Node's crypto directly: AES-256-CBC, IV = key[0..16), PKCS#7 to 32 bytes. */
export function encryptLikeWecom(plain: Buffer, encodingAesKeyOrKey: string | Buffer): Buffer {
  const key = typeof encodingAesKeyOrKey === 'string' ? Buffer.from(`${encodingAesKeyOrKey}=`, 'base64') : encodingAesKeyOrKey
  const pad = 32 - (plain.length % 32)
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  cipher.setAutoPadding(false)
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()])
}

/** What one path answers: bytes (with headers), a status, a redirect, or nothing at all (a stalled CDN). */
export type MediaRoute =
  | { body: Buffer; headers?: Record<string, string> }
  | { status: number }
  | { redirect: string }
  | { hang: true }

/** A loopback stand-in for WeCom's file CDN: `url(path)` is what a callback carries; `requests` what was fetched. */
export async function startAibotMediaServer(routes: Record<string, MediaRoute>) {
  const requests: string[] = []
  const hanging = new Set<http.ServerResponse>()
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname]
    if (!route) return void res.writeHead(404).end('not found')
    if ('hang' in route) return void hanging.add(res)
    if ('status' in route) return void res.writeHead(route.status).end()
    if ('redirect' in route) return void res.writeHead(302, { location: route.redirect }).end()
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(route.body.length), ...route.headers }).end(route.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    requests,
    url: (path: string) => `${base}${path}?sign=secret-download-credential&t=1`,
    close: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
