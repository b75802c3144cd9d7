#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in lib/ (built by `npm install` through the prepare script).
import('../lib/cli/bin.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/lib/cli/bin.js')) {
    process.stderr.write('marp-site: lib/ is missing. Run `npm install` (or `npm run compile`) first.\n')
    process.exit(70)
  }
  throw error
})
