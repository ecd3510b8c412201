#!/usr/bin/env node
// Committed rather than built, so that npm links the bin on the first install, before any build.
import '../dist/cli.js'
