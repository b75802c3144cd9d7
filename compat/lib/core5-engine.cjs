// `npm run compat -- --core 5`: marp-site's engine seam (config `engine`) handed marp-core 5 instead of its own
// marp-core 4. The lightweight core with the plugins that can be installed here (see compat/ENGINE.md): Shiki
// for code and KaTeX for math. MathJax 4 (marp-core 5's default math) needs font packages the registry lacks.
const { Marp } = require('marp-core-5')
const shiki = require('marp-core-5/plugins/shiki')
const katex = require('marp-core-5/plugins/katex')

const plugin = (m) => m.default ?? m

module.exports = ({ marp, ...options }) => new Marp(options).use(plugin(shiki)()).use(plugin(katex)())
