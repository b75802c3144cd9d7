/**
 * One live-reload connection per browser, whatever the number of tabs. Chromium allows six HTTP/1.1
 * connections per host, and an EventSource holds one for good: with the index, a few deck tabs and a
 * presenter window each holding its own, the next page of the site waits for a free connection and
 * stays blank. So the tabs elect a leader (a Web Lock: held while the tab lives, passed on when it
 * closes or reloads); the leader alone holds the EventSource and hands every event to the others over
 * a BroadcastChannel. Without Web Locks or BroadcastChannel (an old browser; a page over plain http
 * from another machine, which is not a secure context), each page connects on its own, as before.
 */

/** The events the dev server sends (see dev/server.ts). */
const TYPES = ['version', 'problems', 'reload', 'css'] as const
export type LiveEventType = (typeof TYPES)[number]

type Message = { readonly kind: 'event'; readonly type: LiveEventType; readonly data: string } | { readonly kind: 'hello' }

const LOCK = 'marp-site-live'

export interface LiveConnection {
  close(): void
}

export function connectLive(url: string, onEvent: (type: LiveEventType, data: string) => void): LiveConnection {
  if (typeof BroadcastChannel === 'undefined' || !navigator.locks) return connectAlone(url, onEvent)
  const channel = new BroadcastChannel(LOCK)
  let source: EventSource | undefined
  let closed = false
  // What a tab that joins later needs at once: the build version and the problems (the server sends
  // both on every connection; the leader keeps the last of each for the others).
  const last = new Map<LiveEventType, string>()
  channel.onmessage = (event: MessageEvent<Message>) => {
    const message = event.data
    if (message.kind === 'event') onEvent(message.type, message.data)
    else if (message.kind === 'hello' && source) for (const [type, data] of last) channel.postMessage({ kind: 'event', type, data } satisfies Message)
  }
  void navigator.locks.request(LOCK, () => {
    if (closed) return
    source = new EventSource(url)
    for (const type of TYPES) {
      source.addEventListener(type, (event) => {
        const { data } = event as MessageEvent<string>
        if (type === 'version' || type === 'problems') last.set(type, data)
        // The others first: handling it here may reload this page, which ends this tab's lead.
        channel.postMessage({ kind: 'event', type, data } satisfies Message)
        onEvent(type, data)
      })
    }
    // Held until the page goes (the browser then releases the lock and another tab takes the lead).
    return new Promise<void>(() => undefined)
  })
  channel.postMessage({ kind: 'hello' } satisfies Message)
  return {
    close() {
      closed = true
      source?.close()
      channel.close()
    },
  }
}

function connectAlone(url: string, onEvent: (type: LiveEventType, data: string) => void): LiveConnection {
  const source = new EventSource(url)
  for (const type of TYPES) source.addEventListener(type, (event) => onEvent(type, (event as MessageEvent<string>).data))
  return { close: () => source.close() }
}
