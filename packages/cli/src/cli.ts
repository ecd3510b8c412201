#!/usr/bin/env node
import { relaunchWithHeapFlags, stopWithParent } from './_heap-flags.js'

// The commands load only in the process that runs them: the launcher stays small.
const relaunched = await relaunchWithHeapFlags()
if (relaunched === undefined) stopWithParent()
process.exitCode =
  relaunched ?? (await (await import('./cli/run.js')).runCli(process.argv.slice(2)))
