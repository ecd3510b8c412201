// The Node flags `npm start` runs the server with (its heap settings), read from package.json so
// that the benchmarks measure what users run. See "Memory" in README.md.
import { readFileSync } from 'node:fs'

const start = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts
  .start

/** For example `['--max-old-space-size=512', '--max-semi-space-size=4']`. */
export const START_FLAGS =
  /\bnode((?: --[\w-]+=\S+)*) packages\/cli\/dist\/cli\.js serve/
    .exec(start)?.[1]
    ?.trim()
    .split(' ')
    .filter(Boolean) ?? []
