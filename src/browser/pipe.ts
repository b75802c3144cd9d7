import type { Readable, Writable } from 'node:stream'
import type { ConnectionTransport } from 'puppeteer-core'
import { swallowed } from '../log.js'

/**
 * The DevTools protocol over the pipe Chromium reads on fd 3 and writes on fd 4
 * (`--remote-debugging-pipe`): messages are JSON, each ended by a NUL byte. Unlike a TCP debugging
 * port, no other local process can reach it, and the browser exits when the pipe closes, which the
 * kernel does when this process dies, however it dies (`kill -9` included).
 */
export function pipeTransport(toBrowser: Writable, fromBrowser: Readable): ConnectionTransport {
  let pending: Buffer[] = []
  let closed = false
  const transport: ConnectionTransport = {
    send(message: string) {
      if (closed) return
      toBrowser.write(`${message}\0`)
    },
    close() {
      if (closed) return
      closed = true
      toBrowser.end()
      fromBrowser.destroy()
    },
  }
  fromBrowser.on('data', (chunk: Buffer) => {
    let start = 0
    for (let end = chunk.indexOf(0); end !== -1; end = chunk.indexOf(0, start)) {
      const message = Buffer.concat([...pending, chunk.subarray(start, end)]).toString('utf8')
      pending = []
      start = end + 1
      // One message per turn of the event loop, as puppeteer's own transports deliver them: it awaits
      // between the events of one page (a request, then its response) and misses those that come in
      // the same turn (a deck then never reaches network idle).
      setImmediate(() => transport.onmessage?.(message))
    }
    if (start < chunk.length) pending.push(chunk.subarray(start))
  })
  const onClose = () => {
    if (closed) return
    closed = true
    // After the messages read before it.
    setImmediate(() => transport.onclose?.())
  }
  fromBrowser.once('close', onClose)
  fromBrowser.once('end', onClose)
  // A browser that exits mid-write breaks the pipe: the connection closes through onClose.
  toBrowser.on('error', swallowed('browser', 'writing to the browser pipe'))
  fromBrowser.on('error', swallowed('browser', 'reading the browser pipe'))
  return transport
}
