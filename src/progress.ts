/**
 * Build progress for people watching. On a terminal, one status line is redrawn
 * in place (at most every {@link TTY_INTERVAL_MS}) and cleared at the end; in CI
 * logs, plain lines are printed: one when a stage starts and one every
 * {@link LOG_INTERVAL_MS} while a counted stage runs, so a long build shows it is
 * alive without flooding the log. Elsewhere (pipes, scripts) nothing. Either way
 * nothing is shown for a build that ends quickly (see {@link QUIET_FOR_MS}).
 */
import type { BuildProgress } from './build.ts'

/** How often the TTY line is redrawn. */
export const TTY_INTERVAL_MS = 100
/** How often a plain progress line is printed during a long stage. */
export const LOG_INTERVAL_MS = 5000

/** Progress shows only once a build has run this long: on a terminal, and in logs. */
export const QUIET_FOR_MS = { live: 500, lines: 2000 } as const

/** How progress is shown: a live line, plain lines, or not at all. */
export type ProgressMode = 'live' | 'lines' | 'off'

/** A live line on a terminal, plain lines in CI (the `CI` variable set, as CI services do), else nothing. */
export function progressMode(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): ProgressMode {
  if (stream.isTTY) return 'live'
  const ci = env.CI
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false' ? 'lines' : 'off'
}

/** Where progress goes. */
export interface ProgressTarget {
  write(text: string): unknown
}

/** A progress display. */
export interface ProgressReporter {
  /** Report where the build is. */
  update(progress: BuildProgress): void
  /** Clear the status line (TTY); call before printing the build's result. */
  finish(): void
}

/** "render 1,240/4,000 summaries (31%)", or "render" for an uncounted stage. */
export function describeProgress(progress: BuildProgress): string {
  if (progress.total === 0) return progress.stage
  const percent = Math.floor((progress.done / progress.total) * 100)
  return `${progress.stage} ${progress.done.toLocaleString('en-US')}/${progress.total.toLocaleString('en-US')} ${progress.unit} (${percent}%)`
}

/** Create a reporter writing to `target` in `mode`; `now` is injectable for tests. */
export function createProgressReporter(target: ProgressTarget, mode: ProgressMode, now: () => number = () => performance.now()): ProgressReporter {
  let lastDrawn = -Infinity
  const startedAt = now()
  if (mode === 'off') return { update() {}, finish() {} }
  if (mode === 'live') {
    let stage: string | null = null
    let lineShown = false
    return {
      update(progress) {
        if (now() - startedAt < QUIET_FOR_MS.live) return
        const changedStage = progress.stage !== stage
        stage = progress.stage
        const finished = progress.total > 0 && progress.done === progress.total
        if (!changedStage && !finished && now() - lastDrawn < TTY_INTERVAL_MS) return
        lastDrawn = now()
        target.write(`\r\x1b[2K${describeProgress(progress)}`)
        lineShown = true
      },
      finish() {
        if (lineShown) target.write('\r\x1b[2K')
        lineShown = false
      },
    }
  }
  let printedStage: string | null = null
  return {
    update(progress) {
      if (now() - startedAt < QUIET_FOR_MS.lines) return
      const newStage = progress.stage !== printedStage
      // A stage with nothing to count says so once; counted work is reported every few seconds.
      if (!newStage && (progress.total === 0 || now() - lastDrawn < LOG_INTERVAL_MS)) return
      printedStage = progress.stage
      lastDrawn = now()
      target.write(`${describeProgress(progress)}\n`)
    },
    finish() {},
  }
}
