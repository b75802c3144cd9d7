import { swallowed } from '../log.js'
import { launchChromium, type Chromium } from './chromium.js'
import { openFirstTab, type Tab } from './tab.js'

/** A browser for loading decks, with its first tab (a browser context and its renderer) opening already. */
export interface DeckBrowser extends Chromium {
  readonly firstTab: Promise<Tab | undefined>
}

/**
 * Starts the browser decks are loaded in. A build starts it while its decks render, to save the wait.
 * `profilePrefix` names its throwaway profile (tests look for leftover processes by it): a build's
 * browser is `marp-site-pdf-…`, as it has always been.
 */
export async function launchForDecks(browserPath: string, timeoutMs: number, options: { profilePrefix?: string } = {}): Promise<DeckBrowser> {
  const chromium = await launchChromium({
    browserPath,
    profilePrefix: options.profilePrefix ?? 'marp-site-pdf-',
    protocolTimeout: Math.max(timeoutMs * 2, 60_000),
  })
  // Without a first tab, the first deck opens a new one (see visitDecks).
  const firstTab = openFirstTab(chromium.browser).catch(swallowed('browser', 'opening the first tab'))
  return { ...chromium, firstTab }
}
