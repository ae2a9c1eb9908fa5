/**
 * The catalogue of content rules. Every message about a content file names one
 * of these ids, so a summary can count them and a reader can look up the fix.
 * Wording follows the Astro error catalogue: what happened, then what to do.
 */

/** Severity a rule reports at: `warning` fails `--strict`, `info` never does, `error` always does. */
export type RuleSeverity = 'error' | 'warning' | 'info'

/** One content rule. */
export interface ContentRule {
  /** Stable id, used as the message's `ruleId`. */
  readonly id: string
  readonly severity: RuleSeverity
  /** What the rule checks, as a short noun phrase for summaries. */
  readonly title: string
  /** What to do about it. */
  readonly hint: string
}

const rules = {
  'unreadable-file': {
    severity: 'error',
    title: 'files that could not be read',
    hint: 'Check the file permissions, or remove the file from the content folder.',
  },
  'binary-file': {
    severity: 'error',
    title: 'binary files in the content folder',
    hint: 'Content files must be UTF-8 text; move images and other assets out of the content folder.',
  },
  'empty-file': {
    severity: 'warning',
    title: 'empty content files',
    hint: 'Add reviews to the file or delete it.',
  },
  'front-matter': {
    severity: 'error',
    title: 'broken front matter',
    hint: 'Fix the YAML between the leading `---` lines; the entries below it were still read with default settings.',
  },
  'unknown-format': {
    severity: 'warning',
    title: 'files in an unrecognised format',
    hint: 'Set `format:` in the front matter to one of the known formats, or add a parser module under src/ingest/formats/.',
  },
  'no-entries': {
    severity: 'warning',
    title: 'files with no reviews found',
    hint: 'Check that entries start with a heading that names the paper, or set `format:` in the front matter.',
  },
  'no-link': {
    severity: 'warning',
    title: 'reviews without a link to the paper',
    hint: 'Add the paper URL on its own line at the end of the review.',
  },
  'placeholder-link': {
    severity: 'warning',
    title: 'reviews whose link is a placeholder',
    hint: 'Replace `(#)` with the URL of the paper.',
  },
  'no-title': {
    severity: 'warning',
    title: 'reviews that do not state the paper title',
    hint: 'Put the title on the header line or the line after it; a fallback title is shown meanwhile.',
  },
  'no-date': {
    severity: 'warning',
    title: 'reviews without a date',
    hint: 'Write the date in the entry header, or set `date:` in the front matter for the whole issue.',
  },
  'invalid-date': {
    severity: 'warning',
    title: 'dates that are not real days',
    hint: 'Write dates as DD.MM.YY, YYYY-MM-DD or "Month D, YYYY".',
  },
  'date-out-of-sequence': {
    severity: 'warning',
    title: 'dates that contradict their neighbours',
    hint: 'Correct the date in the text, or add an `overrides:` entry with the right `date:` to the front matter.',
  },
  'inherited-date': {
    severity: 'info',
    title: 'reviews without a header that took the previous date',
    hint: 'Give the review its own header line if the date differs.',
  },
  'malformed-arxiv-id': {
    severity: 'warning',
    title: 'arXiv links with ids that break arXiv rules',
    hint: 'Check the id on arxiv.org: ids from 2015 on look like 2405.05417 (five digits after the dot).',
  },
  'no-reviewer': {
    severity: 'warning',
    title: 'reviews without a reviewer',
    hint: 'Name the reviewer in the header, or set `reviewers:` in the front matter (an empty list marks them as unknown).',
  },
  'duplicate-review': {
    severity: 'warning',
    title: 'reviews posted twice',
    hint: 'Delete the repeated entry; only the fuller copy is published.',
  },
  'stray-text': {
    severity: 'warning',
    title: 'text between reviews that belongs to none',
    hint: 'Delete the leftover line (often a chatbot preamble such as "Here is the translation:").',
  },
  'chatbot-artifact': {
    severity: 'warning',
    title: 'chatbot remarks inside reviews',
    hint: 'Delete the remark from the review text; it was left out of the page.',
  },
  'headline-attached': {
    severity: 'info',
    title: 'teaser lines attached to the following review',
    hint: 'Nothing to do; move the line below the header if it belongs elsewhere.',
  },
  'headerless-review': {
    severity: 'info',
    title: 'reviews that start without a header',
    hint: 'Give the review its own header line with date and title.',
  },
  'truncated-entry': {
    severity: 'warning',
    title: 'entries that end abruptly',
    hint: 'Finish the entry or remove the empty list item at its end.',
  },
  'mojibake': {
    severity: 'info',
    title: 'garbled characters repaired',
    hint: 'Re-save the file as UTF-8 to fix the source text.',
  },
  'unparsed-block': {
    severity: 'warning',
    title: 'blocks of text that are not part of any review',
    hint: 'Give the block a header, or delete it if it is not a review.',
  },
  'invalid-math': {
    severity: 'warning',
    title: 'formulas KaTeX could not typeset',
    hint: 'Fix the LaTeX between the $ signs; until then the formula is shown as written, in red.',
  },
  'unknown-topic': {
    severity: 'warning',
    title: 'tag overrides naming topics that do not exist',
    hint: 'Use a slug from content/topics.yaml.',
  },
  'topics-file': {
    severity: 'error',
    title: 'problems in the topic taxonomy',
    hint: 'Fix content/topics.yaml; topics with problems were skipped.',
  },
  'unused-override': {
    severity: 'warning',
    title: 'front-matter overrides that match no review',
    hint: 'Check the `paper:` value: it must be an arXiv id, the paper URL or its exact title.',
  },
} as const satisfies Record<string, Omit<ContentRule, 'id'>>

/** Every rule id. */
export type RuleId = keyof typeof rules

/** Look up a rule by id. */
export function contentRule(id: RuleId): ContentRule {
  return { id, ...rules[id] }
}

/** All rules, for documentation and summaries. */
export function allContentRules(): ContentRule[] {
  return (Object.keys(rules) as RuleId[]).map(contentRule)
}
