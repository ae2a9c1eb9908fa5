/**
 * Front matter of a content file, read with gray-matter and validated, giving the
 * per-source settings the text itself does not say (display name, default
 * reviewers, issue date, format) and the line offset of the body.
 */
import matter from 'gray-matter'
import { z } from 'zod'
import type { VFile } from 'vfile'
import { report } from '../diagnostics/report.ts'
import { toIsoDay } from './dates.ts'
import type { TagOverride } from '../model.ts'

/** A correction for one paper of this source, matched by arXiv id, URL or exact title. */
export interface PaperOverride {
  /** arXiv id, URL or exact title of the reviewed paper. */
  readonly paper: string
  /** Replaces the written date of the matching review(s). */
  readonly date: string | null
  /** Replaces the written title. */
  readonly title: string | null
  readonly tags: TagOverride | null
}

/** Settings for one content file, from its front matter with defaults filled in. */
export interface SourceSettings {
  /** Display name of the newsletter; defaults to the file name. */
  readonly name: string
  readonly description: string | null
  /** Reviewers of entries that name none; null when the front matter does not say. */
  readonly reviewers: readonly string[] | null
  /** Issue date for entries that carry none. */
  readonly date: string | null
  /** Forced format name, overriding detection. */
  readonly format: string | null
  /** Home page of the newsletter. */
  readonly url: string | null
  readonly overrides: readonly PaperOverride[]
}

/** A content file split into settings and body. */
export interface SplitSource {
  readonly settings: SourceSettings
  /** Text below the front matter, byte-for-byte. */
  readonly body: string
  /** Number of lines before the body, to add to body line numbers. */
  readonly lineOffset: number
}

const dateField = z.unknown().transform((value, context) => {
  if (value === undefined || value === null) return null
  const iso = toIsoDay(value)
  if (iso === null) {
    context.addIssue({ code: 'custom', message: `"${String(value)}" is not a date; write YYYY-MM-DD` })
    return z.NEVER
  }
  return iso
})

const tagList = z.array(z.string().min(1)).default([])

const frontMatterSchema = z
  .object({
    title: z.string().min(1).optional(),
    description: z.string().optional(),
    reviewers: z.union([z.array(z.string().min(1)), z.string().min(1).transform((name) => [name])]).optional(),
    date: dateField.optional(),
    format: z.string().min(1).optional(),
    url: z.string().url().optional(),
    overrides: z
      .array(
        z.object({
          paper: z.union([z.string().min(1), z.number().transform(String)]),
          date: dateField.optional(),
          title: z.string().min(1).optional(),
          addTags: tagList,
          removeTags: tagList,
          reason: z.string().optional(),
        }),
      )
      .default([]),
  })
  .passthrough()

/**
 * Split `text` into front matter and body. Broken or invalid front matter is an
 * error message on `file`; the body is still returned with default settings so
 * its entries are kept.
 */
export function splitFrontMatter(text: string, file: VFile, fallbackName: string): SplitSource {
  const defaults: SourceSettings = {
    name: fallbackName,
    description: null,
    reviewers: null,
    date: null,
    format: null,
    url: null,
    overrides: [],
  }
  const block = /^(?:\uFEFF)?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text)
  if (!block) return { settings: defaults, body: text, lineOffset: 0 }
  const lineOffset = countNewlines(block[0])
  const body = text.slice(block[0].length)
  let data: unknown
  try {
    // Only the block: gray-matter copies its whole input into a Buffer and hashes it
    // as a cache key (a 5 MB newsletter for 40 lines of YAML). Passing options
    // bypasses its global cache, which shares result objects.
    data = matter(block[0], { excerpt: false }).data
  } catch (error) {
    const mark = (error as { mark?: { line?: number; column?: number } }).mark
    const reason = (error as { reason?: string }).reason ?? (error as Error).message
    report(file, 'front-matter', `Front matter is not valid YAML: ${reason}`, {
      line: (mark?.line ?? 0) + 2,
      column: (mark?.column ?? 0) + 1,
    })
    return { settings: defaults, body, lineOffset }
  }
  const parsed = frontMatterSchema.safeParse(data ?? {})
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.') || '(root)'
      report(file, 'front-matter', `Front matter key \`${key}\`: ${issue.message}`, { line: lineOfKey(block[1] ?? '', String(issue.path[0] ?? '')) })
    }
    return { settings: defaults, body, lineOffset }
  }
  const value = parsed.data
  return {
    settings: {
      name: value.title ?? fallbackName,
      description: value.description ?? null,
      reviewers: value.reviewers ?? null,
      date: value.date ?? null,
      format: value.format ?? null,
      url: value.url ?? null,
      overrides: value.overrides.map((override) => ({
        paper: override.paper,
        date: override.date ?? null,
        title: override.title ?? null,
        tags: override.addTags.length > 0 || override.removeTags.length > 0 ? { add: override.addTags, remove: override.removeTags } : null,
      })),
    },
    body,
    lineOffset,
  }
}

function countNewlines(text: string): number {
  let count = 0
  for (const char of text) if (char === '\n') count++
  return count
}

/** 1-based line of a top-level key inside the front matter (the opening `---` is line 1). */
function lineOfKey(yaml: string, key: string): number {
  const index = yaml.split('\n').findIndex((line) => line.startsWith(`${key}:`))
  return index === -1 ? 1 : index + 2
}
