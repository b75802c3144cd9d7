import type { Position } from './position.js'

export interface SyncMessage {
  readonly type: 'goto'
  readonly position: Position
  readonly sender: string
}

/**
 * Keeps the audience and presenter windows of one deck on the same slide. BroadcastChannel where
 * it works (http and Chromium's file://), and localStorage events as well for browsers that give
 * file:// pages no channel; both carry the sender id so a window ignores its own messages.
 */
export function createSync(deckKey: string, onMessage: (message: SyncMessage) => void) {
  const sender = Math.random().toString(36).slice(2)
  const name = `marp-site:${deckKey}`
  let channel: BroadcastChannel | undefined
  try {
    channel = new BroadcastChannel(name)
    channel.onmessage = (event: MessageEvent<SyncMessage>) => receive(event.data)
  } catch {
    // No BroadcastChannel here (old browser, some file:// contexts): localStorage events carry the sync.
    channel = undefined
  }
  let last = ''
  const receive = (message: SyncMessage | undefined) => {
    // biome-ignore lint/complexity/useOptionalChain: kept as first shipped, so the restructure left dist/ byte-identical
    if (!message || message.type !== 'goto' || message.sender === sender) return
    const key = JSON.stringify(message)
    if (key === last) return // the same message by both routes
    last = key
    onMessage(message)
  }
  const onStorage = (event: StorageEvent) => {
    if (event.key !== name || !event.newValue) return
    try {
      receive(JSON.parse(event.newValue) as SyncMessage)
    } catch {
      // Not ours (another script's storage key): ignored.
    }
  }
  window.addEventListener('storage', onStorage)

  return {
    send(position: Position) {
      const message: SyncMessage = { type: 'goto', position, sender }
      channel?.postMessage(message)
      try {
        localStorage.setItem(name, JSON.stringify({ ...message, at: Date.now() }))
      } catch {
        // storage may be disabled; the channel is enough
      }
    },
    close() {
      channel?.close()
      window.removeEventListener('storage', onStorage)
    },
  }
}
