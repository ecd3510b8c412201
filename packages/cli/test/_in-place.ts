/**
 * Node flags that set the heap, so the CLI runs its command in the spawned process itself
 * instead of relaunching a child with them: a test that kills the process with SIGKILL then
 * kills the process doing the work, as a crash would.
 */
export const IN_PLACE = ['--max-old-space-size=512', '--max-semi-space-size=4']
