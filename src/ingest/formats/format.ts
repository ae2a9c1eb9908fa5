/**
 * The contract every newsletter format implements. A format reads the body of a
 * content file (front matter removed) and returns entry drafts with body-relative
 * line numbers; the ingest stage turns drafts into {@link Review}s, applying what
 * all formats share (arXiv ids, defaults, overrides, clean-up).
 *
 * Adding a format: one module in this folder exporting a {@link NewsletterFormat},
 * plus one line in `registry.ts`, plus a fixture under `test/fixtures/`.
 */
import type { RuleId } from '../../diagnostics/rules.ts'
import type { WrittenDate } from '../dates.ts'

/** One entry as a format found it. Lines are 1-based within the body. */
export interface EntryDraft {
  /** Line where the entry starts (its header, or its first line when it has none). */
  readonly line: number
  /** Paper title as written, cleaned of decoration; null when the entry states none. */
  readonly title: string | null
  /** Date written in the entry; null when it has none. */
  readonly date: WrittenDate | null
  /** True when the entry had no header and took the date of the entry before it. */
  readonly dateInherited: boolean
  /** Reviewers named by the entry; null to use the source's defaults. */
  readonly reviewers: readonly string[] | null
  /** The review text as Markdown. */
  readonly summary: string
  /** Line of the first summary line (for messages about its content). */
  readonly summaryLine: number
  /** The paper link as written (`#` for a placeholder), or null when there is none. */
  readonly url: string | null
  /** Line of the paper link, or null. */
  readonly urlLine: number | null
  /** Other links in the entry. */
  readonly links: readonly string[]
  /** Teaser line printed before the entry's header, if any. */
  readonly headline: string | null
}

/** What a format may use while parsing: positioned messages in body coordinates. */
export interface FormatContext {
  /** Report a problem at a body line (converted to a file line for the message). */
  report(ruleId: RuleId, reason: string, bodyLine: number): void
}

/** Source-level facts a format can read from the text itself (bylines, issue dates). */
export interface SourceFacts {
  readonly reviewers: readonly string[] | null
  readonly date: WrittenDate | null
}

/** Result of parsing one body. */
export interface ParsedBody {
  readonly entries: readonly EntryDraft[]
  /** Facts the text states about the whole source, used where front matter is silent. */
  readonly facts: SourceFacts
}

/** A newsletter format. */
export interface NewsletterFormat {
  /** Name used in front matter `format:` and in messages. */
  readonly name: string
  /** One line on what the format looks like. */
  readonly description: string
  /** How sure this format is that `body` is written in it, from 0 to 1. */
  detect(body: string): number
  /** Parse `body`. Must never throw, whatever the text. */
  parse(body: string, context: FormatContext): ParsedBody
}

/** An entry draft with the defaults of a plain entry: no date, reviewers or headline of its own. */
export function entryDraft(fields: Pick<EntryDraft, 'line' | 'title' | 'summary' | 'summaryLine' | 'url' | 'urlLine' | 'links'> & Partial<EntryDraft>): EntryDraft {
  return { date: null, dateInherited: false, reviewers: null, headline: null, ...fields }
}
