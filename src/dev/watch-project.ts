/**
 * Watching the project for `digest dev`: content, templates, public files and
 * the config file. Changes arriving together are batched into one callback.
 */
import { watch } from 'chokidar'

/** A running watcher. */
export interface ProjectWatcher {
  close(): Promise<void>
}

/** Call `onChange` with the changed paths, at most once per `delayMs` burst of changes. */
export function watchProject(paths: readonly string[], onChange: (changed: string[]) => void, delayMs = 80): ProjectWatcher {
  const watcher = watch([...paths], { ignoreInitial: true, ignored: (file) => /(^|[/\\])\.(?!\.?$)/.test(file.split(/[/\\]/).pop() ?? '') })
  let pending = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined
  watcher.on('all', (_event, file) => {
    pending.add(file)
    clearTimeout(timer)
    timer = setTimeout(() => {
      const changed = [...pending]
      pending = new Set()
      onChange(changed)
    }, delayMs)
  })
  return {
    close: async () => {
      clearTimeout(timer)
      await watcher.close()
    },
  }
}
