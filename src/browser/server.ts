import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import sirv from 'sirv'

/**
 * A private static server for the site being printed, on 127.0.0.1 and a free port. Pages are
 * printed from here rather than from file://, so a deck cannot read local files through the browser.
 */
export async function serveDir(dir: string): Promise<{ base: string; close(): Promise<void> }> {
  // Cacheable: decks printed one after another share fonts, CSS and scripts.
  const handler = sirv(dir, { dev: false, etag: true, maxAge: 3600, dotfiles: false })
  const server = createServer((req, res) => {
    // Connections a page opens itself (fetch, WebSocket, EventSource, beacons) go to this server only.
    // The browser's request interception blocks the rest of them, but never sees a WebSocket: this
    // policy stops those in the page, before any connection is made (a deck with `html: true` could
    // otherwise talk to any local service while printing). Workers and frames the page makes inherit it.
    res.setHeader('Content-Security-Policy', "connect-src 'self' data: blob:")
    handler(req, res, () => {
      res.statusCode = 404
      res.end('not found')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
