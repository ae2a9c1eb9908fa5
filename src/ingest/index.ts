/**
 * Ingest: content file bytes → typed {@link Review} records, one VFile of
 * positioned messages per file. Never throws on content: a broken file yields
 * messages and no reviews, and never stops the other files.
 */
import { VFile } from 'vfile'
import { report } from '../diagnostics/report.ts'
import type { Review, TagOverride } from '../model.ts'
import { parseArxivReference } from './arxiv.ts'
import { isChatbotRemark } from './chatbot-remarks.ts'
import { daysBetween } from './dates.ts'
import { splitFrontMatter, type PaperOverride, type SourceSettings } from './front-matter.ts'
import type { EntryDraft, NewsletterFormat, ParsedBody } from './formats/format.ts'
import { detectFormat, formatByName, generic, FORMATS } from './formats/registry.ts'
import { isPlaceholderUrl, isWebUrl } from './links.ts'
import { mayHaveMojibake, repairMojibake } from './mojibake.ts'
import { normalizeTitle } from './titles.ts'

/** A content file as read from disk. */
export interface ContentInput {
  /** Path relative to the content folder, `/`-separated. */
  readonly path: string
  readonly bytes: Uint8Array
  /**
   * The absolute path the bytes were read from. With it, records restored from the
   * ingest cache read their summaries from the file again when asked for (checked
   * against their digests), rather than keep every file's bytes for the whole build.
   */
  readonly location?: string
}

/** Everything ingest learned from one content file. */
export interface IngestedSource {
  /** The file with its messages (and its text as `value`, when readable). */
  readonly file: VFile
  readonly settings: SourceSettings
  /** Name of the format used, or null when the file could not be parsed. */
  readonly format: string | null
  readonly reviews: readonly Review[]
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const INLINE_TAGS = /<!--\s*tags:\s*([^>]*?)\s*-->/gi
const DAYS_APART_TO_DOUBT = 180
const NEIGHBOURS_CLOSE = 60

/** Ingest one content file. */
export function ingestSource(input: ContentInput): IngestedSource {
  const file = new VFile({ path: input.path })
  const fallbackName = input.path.replace(/^.*\//, '').replace(/\.[^.]+$/, '')
  const empty = (format: string | null = null): IngestedSource => ({
    file,
    settings: { name: fallbackName, description: null, reviewers: null, date: null, format: null, url: null, overrides: [] },
    format,
    reviews: [],
  })
  let text: string
  try {
    if (input.bytes.includes(0)) throw new Error('NUL byte')
    text = strictUtf8.decode(input.bytes)
  } catch {
    report(file, 'binary-file', `${input.path} is not UTF-8 text (it looks binary), so it was skipped`, { line: 1 })
    return empty()
  }
  file.value = text
  if (text.trim() === '') {
    report(file, 'empty-file', `${input.path} is empty`, { line: 1 })
    return empty()
  }
  text = repairText(text, file)
  const { settings, body, lineOffset } = splitFrontMatter(text, file, fallbackName)
  const format = chooseFormat(settings, body, file)
  if (!format) {
    report(file, 'unknown-format', 'No known newsletter format fits this file and it has no headings with paper links', { line: lineOffset + 1 })
    return { ...empty(), settings }
  }
  let parsed: ParsedBody
  try {
    parsed = format.parse(body, {
      report: (ruleId, reason, bodyLine) => void report(file, ruleId, reason, { line: bodyLine + lineOffset }),
    })
  } catch (error) {
    report(file, 'unparsed-block', `The ${format.name} parser failed on this file (${(error as Error).message}); no reviews were read from it`, { line: lineOffset + 1 })
    return { ...empty(format.name), settings }
  }
  if (parsed.entries.length === 0) {
    report(file, 'no-entries', `No reviews found in this file (read as ${format.name})`, { line: lineOffset + 1 })
  }
  const reviews = toReviews(parsed, settings, lineOffset, input.path, file)
  return { file, settings, format: format.name, reviews }
}

function chooseFormat(settings: SourceSettings, body: string, file: VFile): NewsletterFormat | null {
  if (settings.format) {
    const forced = formatByName(settings.format)
    if (forced) return forced
    report(file, 'front-matter', `Unknown format "${settings.format}"; known formats: ${FORMATS.map((format) => format.name).join(', ')}. The format was detected instead`, { line: 1 })
  }
  const detected = detectFormat(body)
  if (detected?.format === generic) {
    report(file, 'unknown-format', 'The format of this file was not recognised; it was read with the generic heading-and-link parser', { line: 1 })
  }
  return detected?.format ?? null
}

/** Repair mojibake line by line, so each repair can be reported where it is. */
function repairText(text: string, file: VFile): string {
  if (!mayHaveMojibake(text)) return text
  const lines = text.split('\n')
  let changed = false
  lines.forEach((line, index) => {
    const repair = repairMojibake(line)
    if (repair.repairs > 0) {
      changed = true
      lines[index] = repair.text
      report(file, 'mojibake', `Repaired ${repair.repairs} garbled character sequence${repair.repairs === 1 ? '' : 's'} (UTF-8 read as Windows-1252)`, { line: index + 1 })
    }
  })
  return changed ? lines.join('\n') : text
}

function toReviews(parsed: ParsedBody, settings: SourceSettings, lineOffset: number, source: string, file: VFile): Review[] {
  const usedOverrides = new Set<PaperOverride>()
  const reviews: Review[] = []
  const overridden = new Set<Review>()
  for (const draft of parsed.entries) {
    const line = draft.line + lineOffset
    const summary = cleanSummary(draft, lineOffset, file)
    let url: string | null = draft.url
    const urlPlace = { line: (draft.urlLine ?? draft.line) + lineOffset }
    if (url === null) {
      report(file, 'no-link', `Review of ${describe(draft)} has no link to the paper`, { line })
    } else if (isPlaceholderUrl(url)) {
      report(file, 'placeholder-link', `Review of ${describe(draft)} links to a placeholder (${url}) instead of the paper`, urlPlace)
      url = null
    } else if (!isWebUrl(url)) {
      report(file, 'no-link', `Review of ${describe(draft)} links to "${url.slice(0, 60)}", which is not a web address; the link was dropped`, urlPlace)
      url = null
    }
    let arxivId: string | null = null
    let arxivVersion: string | null = null
    if (url !== null) {
      const reference = parseArxivReference(url)
      if (reference?.ok) {
        arxivId = reference.id
        arxivVersion = reference.version
      } else if (reference) {
        report(file, 'malformed-arxiv-id', `arXiv id "${reference.written}" is not valid: ${reference.reason}. The link was kept as written`, urlPlace)
      }
    }
    const override = settings.overrides.find((candidate) => overrideMatches(candidate, arxivId, url, draft.title))
    if (override) usedOverrides.add(override)
    const title = override?.title ?? draft.title
    if (title === null) report(file, 'no-title', `Review at line ${line} does not state the paper title`, { line })
    const date = override?.date ?? draft.date?.iso ?? settings.date ?? parsed.facts.date?.iso ?? null
    if (date === null) report(file, 'no-date', `Review of ${describe(draft)} has no date, and the source sets none`, { line })
    const reviewers = draft.reviewers ?? settings.reviewers ?? parsed.facts.reviewers ?? []
    if (reviewers.length === 0 && settings.reviewers === null) {
      report(file, 'no-reviewer', `Review of ${describe(draft)} names no reviewer`, { line })
    }
    const review: Review = {
      source,
      line,
      date,
      reviewers: [...reviewers],
      summary: summary.text,
      title,
      headline: draft.headline,
      url,
      arxivId,
      arxivVersion,
      links: draft.links.filter((link) => link !== draft.url && isWebUrl(link)),
      tagOverride: mergeTagOverrides(summary.tags, override?.tags ?? null),
    }
    if (override?.date) overridden.add(review)
    reviews.push(review)
  }
  checkDateSequence(reviews, overridden, file)
  for (const override of settings.overrides) {
    if (!usedOverrides.has(override)) {
      report(file, 'unused-override', `Front matter override for "${override.paper}" matches no review in this file`, { line: 1 })
    }
  }
  return reviews
}

function describe(draft: EntryDraft): string {
  return draft.title ? `"${draft.title}"` : `the entry at line ${draft.line}`
}

/** Remove chatbot remarks and inline tag comments from a summary. */
function cleanSummary(draft: EntryDraft, lineOffset: number, file: VFile): { text: string; tags: TagOverride | null } {
  const kept: string[] = []
  draft.summary.split('\n').forEach((line, index) => {
    if (isChatbotRemark(line)) {
      report(file, 'chatbot-artifact', `Left out a chatbot remark inside a review: "${line.trim()}"`, { line: draft.summaryLine + index + lineOffset })
    } else {
      kept.push(line)
    }
  })
  let text = kept.join('\n').replace(/\n{3,}/g, '\n\n').trim()
  const add: string[] = []
  const remove: string[] = []
  text = text.replace(INLINE_TAGS, (_, list: string) => {
    for (const token of list.split(/[\s,]+/).filter(Boolean)) {
      if (token.startsWith('-')) remove.push(token.slice(1))
      else add.push(token.replace(/^\+/, ''))
    }
    return ''
  }).trim()
  return { text, tags: add.length > 0 || remove.length > 0 ? { add, remove } : null }
}

function mergeTagOverrides(a: TagOverride | null, b: TagOverride | null): TagOverride | null {
  if (!a) return b
  if (!b) return a
  return { add: [...a.add, ...b.add], remove: [...a.remove, ...b.remove] }
}

function overrideMatches(override: PaperOverride, arxivId: string | null, url: string | null, title: string | null): boolean {
  const key = override.paper.trim()
  if (arxivId !== null && (key === arxivId || parseArxivReference(key)?.ok && (parseArxivReference(key) as { id: string }).id === arxivId)) return true
  if (url !== null && key === url) return true
  return title !== null && normalizeTitle(key) === normalizeTitle(title)
}

/**
 * Warn about a date far from both of its neighbours while they are close to each
 * other, such as "27.06.2024" between reviews from June 2025. The written date is
 * kept; a front-matter override silences the warning.
 */
function checkDateSequence(reviews: readonly Review[], overridden: ReadonlySet<Review>, file: VFile): void {
  const dated = reviews.filter((review) => review.date !== null)
  dated.forEach((review, index) => {
    const before = dated[index - 1]?.date
    const after = dated[index + 1]?.date
    if (!before || !after || overridden.has(review) || !review.date) return
    if (Math.abs(daysBetween(before, after)) > NEIGHBOURS_CLOSE) return
    if (Math.abs(daysBetween(before, review.date)) > DAYS_APART_TO_DOUBT && Math.abs(daysBetween(review.date, after)) > DAYS_APART_TO_DOUBT) {
      report(file, 'date-out-of-sequence', `Date ${review.date} is far from the reviews around it (${before} and ${after}); kept as written`, { line: review.line })
    }
  })
}
