import { readFile, realpath, stat } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import sirv from 'sirv'
import { MarpSiteError } from '../errors.js'
import { isInside } from '../paths.js'
import { checkPath, hostAllowed, originAllowed } from './guard.js'
import { debug, swallowed } from '../log.js'

export const EVENTS_PATH = '/__marp-site/events'
export const CLIENT_PATH = '/__marp-site/live.js'

export interface DevServer {
  readonly url: string
  readonly host: string
  readonly port: number
  /** Sends an event to every open page. */
  broadcast(event: string, data: unknown): void
  close(): Promise<void>
}

/**
 * Serves the built site, and only it, on a local address, with a Server-Sent Events channel that
 * tells open pages to reload. HTML pages get the live-reload script injected; nothing is cached.
 */
export async function startDevServer(options: {
  outDir: string
  host: string
  port: number
  /** When the port was given explicitly, a busy port is an error instead of a reason to try the next. */
  portExplicit: boolean
  liveClient: string
  /** Events a page gets as soon as it connects (the current problems, so a reloaded page sees them). */
  greeting?: () => readonly (readonly [string, unknown])[]
  /** The number of the site's last build, written into each page served, so the page can tell it missed one. */
  version?: () => number
}): Promise<DevServer> {
  const { outDir, host } = options
  const clients = new Set<ServerResponse>()
  const files = sirv(outDir, {
    dev: true,
    dotfiles: false,
    setHeaders: (res) => {
      res.setHeader('Cache-Control', 'no-store')
      res.setHeader('X-Content-Type-Options', 'nosniff')
    },
  })
  let port = options.port

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const refuse = (status: number, text: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
      res.end(`${text}\n`)
    }
    if (!hostAllowed(req.headers.host, host)) return refuse(403, 'Forbidden: this server only answers to its local address')
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'Method not allowed')
    const checked = checkPath(req.url)
    if (!checked.ok) return refuse(checked.status, checked.status === 400 ? 'Bad request' : 'Forbidden')

    if (checked.path === EVENTS_PATH) {
      if (!originAllowed(req.headers.origin, req.headers.host, host)) return refuse(403, 'Forbidden origin')
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
      res.write('retry: 500\n\n')
      for (const [event, data] of options.greeting?.() ?? []) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
      clients.add(res)
      req.on('close', () => clients.delete(res))
      return
    }
    if (checked.path === CLIENT_PATH) {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' })
      return res.end(options.liveClient)
    }

    // The file must lie inside the site once symlinks are followed.
    let file = path.join(outDir, ...checked.path.split('/'))
    let info: Stats
    try {
      info = await stat(file)
      if (info.isDirectory()) {
        if (!checked.path.endsWith('/')) {
          res.writeHead(301, { Location: `${req.url?.split('?')[0]}/`, 'Cache-Control': 'no-store' })
          return res.end()
        }
        file = path.join(file, 'index.html')
        info = await stat(file)
      }
      if (!isInside(await realpath(outDir), await realpath(file))) return refuse(403, 'Forbidden')
    } catch (error) {
      // Not there (or not readable): the answer is a 404, whatever the reason.
      debug('dev')('%s: 404 (%s)', checked.path, (error as NodeJS.ErrnoException).code ?? error)
      return refuse(404, 'Not found')
    }
    // Only regular files are served: reading a FIFO would wait for a writer, and hold the request for good.
    if (!info.isFile()) return refuse(404, 'Not found')
    if (file.endsWith('.html')) {
      // Removed by a rebuild since the stat: a 404, and the page asks again on the next reload.
      const html = await readFile(file, 'utf8').catch(swallowed('dev', `reading ${file}`))
      if (html === undefined) return refuse(404, 'Not found')
      const tag = `<script src="${CLIENT_PATH}" data-build="${options.version?.() ?? 0}"></script>`
      // Before the last </body>, found from the end: linear, where a regex look-ahead for "no later
      // </body>" was quadratic (a page of 200,000 of them held every other request for half a minute).
      const last = html.lastIndexOf('</body>')
      const body = last === -1 ? html + tag : `${html.slice(0, last)}${tag}${html.slice(last)}`
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
      return res.end(req.method === 'HEAD' ? undefined : body)
    }
    files(req, res, () => refuse(404, 'Not found'))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // One request failed (a client gone mid-answer, a file removed by a rebuild): the server goes on.
      debug('dev')('request %s failed: %s', req.url, error)
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  // A slow or idle client must not hold a socket forever.
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  server.keepAliveTimeout = 5_000
  server.maxHeadersCount = 100

  for (let attempt = 0; ; attempt += 1) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolve()
        })
      })
      break
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EADDRINUSE' && !options.portExplicit && attempt < 20) {
        port += 1
        continue
      }
      throw new MarpSiteError(
        'USAGE',
        code === 'EADDRINUSE' ? `Port ${port} is in use; pass another --port` : `Cannot listen on ${host}:${port}: ${(error as Error).message}`,
      )
    }
  }
  const bound = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host
  const ping = setInterval(() => {
    for (const client of clients) client.write(': ping\n\n')
  }, 15_000)
  ping.unref()

  return {
    url: `http://${shownHost}:${bound}/`,
    host,
    port: bound,
    broadcast(event, data) {
      const payload = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
      for (const client of clients) client.write(payload)
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ping)
        for (const client of clients) client.end()
        clients.clear()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
