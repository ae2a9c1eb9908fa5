/**
 * Positioned messages on content files, the unified way: one VFile per content
 * file, `file.message(reason, {place, ruleId, source})`, with the rule's hint as
 * the message note and the rule's severity as its `fatal` flag.
 */
import type { VFile } from 'vfile'
import type { VFileMessage } from 'vfile-message'
import { contentRule, type RuleId } from './rules.ts'
import { compareStrings } from '../ordering.ts'

/** Where in a file a message points: a 1-based line, optionally a column. */
export interface Place {
  readonly line: number
  readonly column?: number
}

/** Source name on every message this project emits. */
export const MESSAGE_SOURCE = 'research-digest'

/** Add a message for `ruleId` to `file`, at the rule's severity. Never throws. */
export function report(file: VFile, ruleId: RuleId, reason: string, place?: Place): VFileMessage {
  const rule = contentRule(ruleId)
  const message = file.message(reason, {
    ruleId,
    source: MESSAGE_SOURCE,
    ...(place ? { place: { line: place.line, column: place.column ?? 1 } } : {}),
  })
  message.note = rule.hint
  message.fatal = rule.severity === 'error' ? true : rule.severity === 'warning' ? false : undefined
  return message
}

/** Counts of messages by severity and rule, for the CLI summary. */
export interface MessageSummary {
  readonly errors: number
  readonly warnings: number
  readonly infos: number
  /** Count per rule id, most frequent first. */
  readonly byRule: ReadonlyArray<{ readonly ruleId: string; readonly count: number; readonly severity: 'error' | 'warning' | 'info' }>
}

/** Count the messages on `files`. */
export function summarizeMessages(files: readonly VFile[]): MessageSummary {
  let errors = 0
  let warnings = 0
  let infos = 0
  const byRule = new Map<string, { count: number; severity: 'error' | 'warning' | 'info' }>()
  for (const file of files) {
    for (const message of file.messages) {
      const severity = message.fatal === true ? 'error' : message.fatal === false ? 'warning' : 'info'
      if (severity === 'error') errors++
      else if (severity === 'warning') warnings++
      else infos++
      const key = message.ruleId ?? 'unknown'
      const entry = byRule.get(key) ?? { count: 0, severity }
      entry.count++
      byRule.set(key, entry)
    }
  }
  const sorted = [...byRule.entries()]
    .map(([ruleId, { count, severity }]) => ({ ruleId, count, severity }))
    .sort((a, b) => b.count - a.count || compareStrings(a.ruleId, b.ruleId))
  return { errors, warnings, infos, byRule: sorted }
}
