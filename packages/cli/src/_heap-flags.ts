import { spawn } from 'node:child_process'
import { constants } from 'node:os'

/**
 * The V8 heap settings the CLI runs with. With Node's defaults a 500k-row import peaked at 227 MB
 * RSS and a 2M-row one at 249 MB; with these, the 500k-row import peaked at 170 MB. A smaller young
 * generation and a capped old space keep V8 from letting garbage pile up before it collects.
 */
export const HEAP_FLAGS = ['--max-old-space-size=512', '--max-semi-space-size=4'] as const

/** Signals a terminal or a process manager sends to stop the CLI; the relaunched child gets them. */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

const setsHeap = (args: readonly string[]) =>
  args.some((arg) => /^--max[-_](old|semi)[-_]space[-_]size\b/.test(arg))

/**
 * Runs this script again in a child Node with {@link HEAP_FLAGS} unless the heap is already
 * configured, by the node command line or by `NODE_OPTIONS`, or a debugger is attached. A bin started by npm or npx cannot
 * pass node flags any other way, and V8 fixes heap sizes when the process starts.
 *
 * @returns the child's exit code, or `undefined` when this process should run the command itself.
 */
export async function relaunchWithHeapFlags(): Promise<number | undefined> {
  const nodeOptions = process.env.NODE_OPTIONS?.split(/\s+/) ?? []
  const script = process.argv[1]
  // Under a debugger the command runs in place: a child would fight over the inspector port.
  const debugging = process.execArgv.some((arg) => arg.startsWith('--inspect'))
  if (!script || debugging || setsHeap(process.execArgv) || setsHeap(nodeOptions)) return undefined
  // The IPC channel tells the child when this process is gone, whatever killed it (see
  // stopWithParent).
  const child = spawn(
    process.execPath,
    [...HEAP_FLAGS, ...process.execArgv, script, ...process.argv.slice(2)],
    { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] },
  )
  // A terminal's Ctrl-C reaches both processes; forwarding means a plain `kill <pid>` does too.
  // The commands tolerate the signal arriving twice.
  const forward = (signal: NodeJS.Signals) => child.kill(signal)
  for (const signal of FORWARDED) process.on(signal, forward)
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.once('error', reject)
        child.once('exit', (code, signal) => resolve([code, signal]))
      },
    )
    // The shell's convention for a process killed by a signal.
    return code ?? 128 + (signal ? constants.signals[signal] : 0)
  } finally {
    for (const signal of FORWARDED) process.off(signal, forward)
  }
}

/**
 * In a relaunched child: stops the command as SIGTERM would once the launching process is gone.
 * A launcher killed with SIGKILL cannot forward anything, and its child would otherwise go on
 * serving on the port and holding the database with no parent to stop it; its IPC channel closes
 * with it, whatever the signal. The channel does not keep the child alive.
 */
export function stopWithParent(): void {
  if (!process.channel) return
  process.channel.unref()
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'))
}
