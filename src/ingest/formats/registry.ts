/**
 * Known newsletter formats, in order of preference when detection ties.
 * Register a new format by adding one line here.
 */
import type { NewsletterFormat } from './format.ts'
import { dailyReviews } from './daily-reviews.ts'
import { htmlSections } from './html-sections.ts'
import { linkNotes } from './link-notes.ts'
import { monthlyDigest } from './monthly-digest.ts'
import { generic } from './generic.ts'

/** Every format, the generic fallback last. */
export const FORMATS: readonly NewsletterFormat[] = [dailyReviews, htmlSections, monthlyDigest, linkNotes, generic]

/** Detection below this confidence falls back to the generic parser. */
const CONFIDENT = 0.5

/** Look a format up by the name used in front matter. */
export function formatByName(name: string): NewsletterFormat | undefined {
  return FORMATS.find((format) => format.name === name)
}

/** Pick the format `body` is most likely written in; null when not even the generic parser applies. */
export function detectFormat(body: string): { format: NewsletterFormat; confidence: number } | null {
  let best: { format: NewsletterFormat; confidence: number } | null = null
  for (const format of FORMATS) {
    const confidence = format.detect(body)
    if (confidence > 0 && (!best || confidence > best.confidence)) best = { format, confidence }
  }
  if (best && best.confidence < CONFIDENT && best.format !== generic) {
    const fallback = generic.detect(body)
    return fallback > 0 ? { format: generic, confidence: fallback } : best
  }
  return best
}

export { generic }
