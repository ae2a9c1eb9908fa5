/**
 * Messages as JSON, for caches that stand in for the work that reported them:
 * restored onto a file, they print, count and fail a `--strict` build exactly as
 * the messages a fresh run would report.
 */
import type { VFile } from 'vfile'
import type { VFileMessage } from 'vfile-message'

/** One message as JSON: what the terminal report and the summary read of it. */
export interface StoredMessage {
  readonly reason: string
  readonly ruleId: string | null
  readonly source: string | null
  /** Where it points; null for a message on the whole file. */
  readonly place: { readonly line: number; readonly column: number; readonly offset?: number } | null
  /** true for an error, false for a warning, null for information. */
  readonly fatal: boolean | null
  /** The fix shown under the message. */
  readonly note: string | null
}

/** `messages` as JSON. */
export function storeMessages(messages: readonly VFileMessage[]): StoredMessage[] {
  return messages.map((message) => ({
    reason: message.reason,
    ruleId: message.ruleId ?? null,
    source: message.source ?? null,
    place:
      message.line != null && message.column != null
        ? { line: message.line, column: message.column, ...(message.place && 'offset' in message.place && message.place.offset !== undefined ? { offset: message.place.offset } : {}) }
        : null,
    fatal: message.fatal ?? null,
    note: message.note ?? null,
  }))
}

/** Report `stored` on `file` again, as they were. */
export function restoreMessages(file: VFile, stored: readonly StoredMessage[]): void {
  for (const { reason, ruleId, source, place, fatal, note } of stored) {
    const message = file.message(reason, { ...(place ? { place } : {}), ...(ruleId === null ? {} : { ruleId }), ...(source === null ? {} : { source }) })
    message.fatal = fatal ?? undefined
    if (note !== null) message.note = note
  }
}
