/**
 * Whether process `pid` is running, asked with signal 0 (nothing is sent). EPERM means it exists but
 * belongs to another user, so it counts as alive: its files are not ours to remove. Used to tell the
 * leftovers of a killed build (staging folders, browser profiles, named with their pid) from those of
 * one still running.
 */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
