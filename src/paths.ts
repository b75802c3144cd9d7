import path from 'node:path'

export function toPosix(p: string): string {
  return p.split(path.sep).join('/')
}

/**
 * True when `child` is `parent` or lies below it. Uses `path.relative`, never a string prefix:
 * `/srv/slides-private` starts with `/srv/slides` but is not inside it.
 */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel))
}

/**
 * How messages name a file: relative to the project root when inside it, else as `outside` says
 * (`marp-site/themes/x.css` for a built-in file), else absolute.
 */
export function displayPath(root: string, file: string, outside?: (file: string) => string): string {
  if (isInside(root, file)) return toPosix(path.relative(root, file))
  return outside ? outside(file) : file
}
