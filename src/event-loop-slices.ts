/**
 * Long work on the main thread, in slices: between items, the event loop gets a
 * turn once a slice has run its length, so work going on alongside (the summary
 * worker pool's results, and the batches it sends next) is not held up.
 */

/** Slices of `sliceMs`: call `due()` between items, and `await next()` when it says so. */
export interface EventLoopSlices {
  /** Has the current slice run its length? */
  due(): boolean
  /** Let the event loop run once, then start a new slice. */
  next(): Promise<void>
}

/** Start slicing work into runs of `sliceMs` milliseconds. */
export function eventLoopSlices(sliceMs: number): EventLoopSlices {
  let started = performance.now()
  return {
    due: () => performance.now() - started >= sliceMs,
    next: async () => {
      await new Promise((resolve) => setImmediate(resolve))
      started = performance.now()
    },
  }
}
