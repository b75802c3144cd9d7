/**
 * What `marp-site init` writes, as text: pure functions of their few inputs, no disk. The config
 * names every key of the schema (test/init.test.ts checks that none is missing).
 */

export const SAMPLE_DECK = `---
marp: true
title: Welcome to your slides
description: A first deck to edit, made by marp-site init.
paginate: true
---

<!-- _class: lead -->
<!-- _paginate: false -->

# Welcome

Your first deck: edit \`slides/welcome.md\`

<!--
Speaker notes go in HTML comments. The presenter view (press P) shows them.
-->

---

## One slide per \`---\`

- Every \`.md\` file in \`slides/\` is a deck with a page of its own
- Front-matter sets the title, description, theme and more
- \`npm run dev\` shows every save in the open page

---

## Code and math

\`\`\`js
const slides = decks.flatMap((deck) => deck.slides)
\`\`\`

Inline math: $e^{i\\pi} + 1 = 0$

---

<!-- _class: lead invert -->

# Thank you

Press **?** on a deck page for its keys
`

/**
 * The config file: every key with what it does, commented out at its default (or an example),
 * except the title.
 */
export function configFile(): string {
  return `// marp-site's settings for this site. Every key is optional: the commented-out lines show the
// defaults (or an example); uncomment one to change it. Flags on the command line win over this file.
// All keys: "Configuration" in marp-site's README.

/** @type {import('marp-site').UserConfig} */
export default {
  // Site title, on the index page.
  title: 'Presentations',
  // Shown under the title on the index, and as its meta description.
  // description: '',
  // The address the site is served from: canonical links, Open Graph tags and a picture of slide 1
  // for link previews, sitemap.xml and feed.xml, and links in PDFs that lead to the live site.
  // url: 'https://you.github.io/talks/',
  // baseUrl: 'https://you.github.io/talks/', // the older name of url: give one or the other
  // The picture link previews show for the index and every deck without its own \`image:\`
  // (default: each deck's first slide).
  // ogImage: 'https://you.github.io/talks/card.png',
  // Speaker notes in the deck pages: 'public', or 'private' (kept out of every file of the site;
  // \`marp-site dev\` still shows them in the presenter view).
  // notes: 'public',
  // Each deck's notes as text beside its page: true or 'md' (notes.md), 'txt' (notes.txt).
  // notesFile: false,
  // <html lang> of the index and of decks without a \`lang\` directive.
  // lang: 'en',
  // Theme of decks without a \`theme\` directive: marp-site, default, gaia, uncover, or one in themes/.
  // theme: 'marp-site',
  // More themes besides themesDir: CSS files or folders, or a CSS file of an installed package.
  // themes: ['some-theme-package/theme.css'],
  // A marp-cli config (.marprc.yml, marp.config.mjs) this config starts from; its keys lose to these.
  // extends: './.marprc.yml',

  // Folders, relative to this file.
  // slidesDir: 'slides',
  // themesDir: 'themes',
  // templatesDir: 'templates',
  // outDir: 'dist',
  // Globs (relative to slidesDir) of Markdown files that are not decks, besides READMEs and names
  // starting with _ or .
  // exclude: ['drafts/**'],
  // Only Markdown files whose front-matter says marp: true are decks (as Marp for VS Code decides).
  // marpOnly: false,

  // Every page's icon: an .svg, .png or .ico file, relative to this file (default: marp-site's own).
  // favicon: 'favicon.svg',
  // The colour browsers tint their tab bar with.
  // themeColor: '#c2410c',
  // Self-contained deck pages (CSS, scripts, images and fonts inside), to send one file by email.
  // singleFile: false,
  // Where the build cache lives (default: node_modules/.cache/marp-site, else .marp-site-cache); false: none.
  // cacheDir: '.marp-site-cache',

  // PDFs: 'auto' (a PDF per deck when a browser is found), true (required), false (none), or:
  // pdf: {
  //   enabled: 'auto',
  //   // Speaker notes: true or 'annotations' (a note on each page), 'handout' (A4, notes under each slide).
  //   notes: false,
  //   // Seconds one deck may take to print.
  //   timeout: 60,
  // },
  // An image of every slide (<slug>/slides/001.png...): true, or the format and scale. Off by default.
  // images: { format: 'png', scale: 1 },
  // A PowerPoint file of every deck (<slug>/<name>.pptx), one picture per slide, notes kept.
  // pptx: false,
  // Chromium, Chrome or Edge to print with (default: CHROME_PATH, then the usual locations).
  // browserPath: '/usr/bin/chromium',
  // Seconds one deck may take to render before it is stopped and reported.
  // renderTimeout: 10,

  // marp-core's options.
  // marp: {
  //   // HTML in decks: unset is marp-core's safe allowlist; false: none; true: any (only decks you trust).
  //   html: false,
  //   // 'katex', 'mathjax' or false.
  //   math: 'katex',
  //   emoji: { shortcode: 'twemoji', unicode: 'twemoji' },
  //   minifyCSS: true,
  //   // Line numbers on every code fence (one with hideLineNumbers has none); see "Code" in the README.
  //   lineNumbers: false,
  //   // markdown-it options (default: marp-core's).
  //   markdown: { breaks: true, linkify: true, typographer: false },
  // },

  // A module adding markdown-it plugins, as in marp-cli: export default ({ marp }) => marp.use(plugin)
  // engine: './engine.mjs',

  // The index page's sections: folders of slidesDir, with their headings, in this order.
  // sections: [{ folder: 'talks', title: 'Talks' }, 'workshops'],

  // Rules switched off or to another severity ("Checking decks" in the README).
  // rules: { 'missing-alt': 'off', overflow: 'warning' },
}
`
}

export const GITIGNORE = `# The built site
dist/
node_modules/
# marp-site's build cache, when there is no node_modules/
.marp-site-cache/
`

/** A package.json for a folder without one: marp-site as a dev dependency, and its commands as scripts. */
export function packageJson(name: string, version: string): string {
  const pkg = {
    name,
    private: true,
    scripts: {
      build: 'marp-site build',
      dev: 'marp-site dev',
      check: 'marp-site check',
    },
    devDependencies: { 'marp-site': `^${version}` },
  }
  return `${JSON.stringify(pkg, null, 2)}\n`
}

/** The scripts `init` puts in a new package.json, to say what to add to an existing one. */
export const SCRIPTS = { build: 'marp-site build', dev: 'marp-site dev', check: 'marp-site check' } as const

/**
 * The GitHub Pages workflow. The build runs in a Debian container: its `chromium` package is the
 * browser itself (Ubuntu's is a snap, whose private /tmp the PDF printer's profile cannot live in).
 */
export const PAGES_WORKFLOW = `# Builds the site (with a PDF per deck) and publishes dist/ on GitHub Pages on every push to main.
# Once, in the repository's Settings > Pages, set "Source" to "GitHub Actions".
name: Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    # Debian with Node.js 20: its chromium package prints the PDFs.
    container: node:20-bookworm
    env:
      CHROME_PATH: /usr/bin/chromium
    steps:
      - uses: actions/checkout@v4
      - name: Install Chromium
        run: apt-get update && apt-get install -y chromium
      - name: Install dependencies
        run: npm ci
      # After npm ci, which empties node_modules/: unchanged decks are not rendered or printed again.
      - uses: actions/cache@v4
        with:
          path: node_modules/.cache/marp-site
          key: marp-site-\${{ github.sha }}
          restore-keys: marp-site-
      - name: Build the site
        run: npx marp-site build --pdf
      - uses: actions/upload-pages-artifact@v3
        with:
          path: dist

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: \${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
`

/** The note put above the copy of the theme. */
export const THEME_NOTE = `/*
 * A copy of marp-site's own theme, to edit: a theme in themes/ replaces the built-in one of the same
 * name (here "marp-site", the default). Delete this file to go back to the built-in theme, which is
 * updated with marp-site.
 */
`
