/** Whether XML 1.0 allows a character (tab, newlines, and from space up, except U+FFFE and U+FFFF). */
function allowed(char: string): boolean {
  const code = char.codePointAt(0) ?? 0
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code !== 0xfffe && code !== 0xffff)
}

/** Text and attribute values escaped for XML: `&`, `<`, `>`, `"` and `'`, and characters XML cannot hold dropped. */
export function escapeXml(text: string): string {
  return [...text].filter(allowed).join('').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}
