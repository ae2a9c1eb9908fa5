/**
 * Terminal output for diagnostics: a short summary (counts by rule, each with its
 * fix) and, with `--verbose`, one line per message as `file:line:column`.
 * Colour is applied only when the caller says the terminal wants it.
 */
import path from 'node:path'
import type { VFile } from 'vfile'
import { contentRule, type RuleId } from './rules.ts'
import type { MessageSummary } from './report.ts'

interface Paint {
  readonly colour: boolean
}

const paint = (code: number, text: string, { colour }: Paint) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text)

/** Every message of every file, one per line, sorted by file and line. */
export function formatMessages(files: readonly VFile[], options: Paint & { readonly root: string; readonly hints?: boolean }): string {
  const lines: string[] = []
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  for (const file of sorted) {
    const name = path.isAbsolute(file.path) ? path.relative(options.root, file.path) : file.path
    const messages = [...file.messages].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
    for (const message of messages) {
      const severity = message.fatal === true ? paint(31, 'error', options) : message.fatal === false ? paint(33, 'warning', options) : paint(36, 'info', options)
      const place = `${name}:${message.line ?? 1}:${message.column ?? 1}`
      lines.push(`${place}  ${severity}  ${message.reason}  ${paint(2, message.ruleId ?? '', options)}`)
      if (message.note && options.hints !== false) lines.push(`  ${paint(2, `hint: ${message.note}`, options)}`)
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : ''
}

/** Facts about the build shown with the summary. */
export interface BuildFacts {
  readonly files: number
  readonly reviews: number
  readonly papers: number
  readonly outDir: string | null
  readonly milliseconds: number
  readonly verbose: boolean
}

/** The short summary: totals, then one line per rule with its count and fix. */
export function formatSummary(summary: MessageSummary, facts: BuildFacts & Paint): string {
  const seconds = (facts.milliseconds / 1000).toFixed(2)
  const lines = [
    `${facts.files} content file${facts.files === 1 ? '' : 's'} → ${facts.reviews} reviews of ${facts.papers} papers in ${seconds} s${facts.outDir ? ` → ${facts.outDir}/` : ''}`,
  ]
  const shown = summary.byRule.filter((rule) => rule.severity !== 'info')
  if (summary.errors + summary.warnings === 0) {
    lines.push(paint(32, 'No problems found.', facts))
  } else {
    lines.push(`${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}:`)
    for (const rule of shown) {
      const known = isRuleId(rule.ruleId) ? contentRule(rule.ruleId) : null
      const label = rule.severity === 'error' ? paint(31, rule.ruleId, facts) : paint(33, rule.ruleId, facts)
      lines.push(`  ${String(rule.count).padStart(4)}  ${label}  ${known ? `${known.title}. ${known.hint}` : ''}`)
    }
    if (!facts.verbose) lines.push('Run again with --verbose to see each message with its file and line.')
  }
  return `${lines.join('\n')}\n`
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function isRuleId(id: string): id is RuleId {
  try {
    contentRule(id as RuleId)
    return true
  } catch {
    return false
  }
}
