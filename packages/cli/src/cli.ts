#!/usr/bin/env node
import { relaunchWithHeapFlags } from './_heap-flags.js'
import { runCli } from './cli/run.js'

process.exitCode = (await relaunchWithHeapFlags()) ?? (await runCli(process.argv.slice(2)))
