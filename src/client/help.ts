import { button, h } from './dom.js'
import { KEY_HELP } from './keys.js'

/** The `?` overlay listing the keys. */
export function createHelp(onClose: () => void) {
  const rows = KEY_HELP.map(([keys, what]) => h('tr', {}, h('th', { scope: 'row' }, keys), h('td', {}, what)))
  const close = button('Close help', '×', onClose, { class: 'ms-help-close' })
  const panel = h(
    'div',
    { class: 'ms-ui ms-help', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'ms-help-title', hidden: '' },
    h('div', { class: 'ms-help-box' }, close, h('h2', { id: 'ms-help-title' }, 'Keys'), h('table', {}, h('tbody', {}, ...rows))),
  )
  panel.addEventListener('click', (event) => {
    event.stopPropagation()
    if (event.target === panel) onClose()
  })
  return {
    element: panel,
    get open() {
      return !panel.hidden
    },
    show(open: boolean) {
      panel.hidden = !open
      if (open) close.focus()
    },
  }
}
