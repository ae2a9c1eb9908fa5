/**
 * Generate a synthetic content folder of N reviews in the real newsletter
 * formats of `content/`, recombined from the seed reviews: every review gets a
 * unique arXiv id, a recombined title, a body of seed paragraphs in a new
 * combination (no two bodies are identical), some math, links, co-reviewers, and
 * dates spread over the years. Deterministic for a given --seed.
 *
 *   npx tsx scripts/gen-corpus.ts --reviews 10000 --out .tmp/corpus-10k [--seed 1]
 *
 * About 70% of reviews go to daily-review files (one per year), 20% to monthly
 * digests (one per month) and 10% to link notes (one per year).
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ingestSource } from '../src/ingest/index.ts'

const { values } = parseArgs({
  options: {
    reviews: { type: 'string', default: '1000' },
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
    content: { type: 'string', default: 'content' },
  },
})
const total = Number(values.reviews)
if (!Number.isInteger(total) || total < 1 || total > 1_000_000) throw new Error('--reviews must be a whole number from 1 to 1,000,000')
if (!values.out) throw new Error('--out <folder> is required')
const outDir = path.resolve(values.out)

/** mulberry32: a small, fast, seedable PRNG so corpora are reproducible. */
function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const random = prng(Number(values.seed))
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1))

// Material from the seeds, read with the real ingest stage.
const paragraphs: string[] = []
const titleHalves: { head: string[]; tail: string[] } = { head: [], tail: [] }
const plainTitles: string[] = []
for (const name of readdirSync(values.content).filter((file) => !/\.(ya?ml|json)$/.test(file))) {
  const { reviews } = ingestSource({ path: name, bytes: readFileSync(path.join(values.content, name)) })
  for (const review of reviews) {
    for (const paragraph of review.summary.split(/\n\s*\n/)) {
      const text = paragraph.trim()
      if (text.length >= 80 && !/https?:\/\//.test(text)) paragraphs.push(text)
    }
    const title = review.title
    if (!title) continue
    const colon = title.indexOf(': ')
    if (colon > 3) {
      titleHalves.head.push(title.slice(0, colon))
      titleHalves.tail.push(title.slice(colon + 2))
    } else {
      plainTitles.push(title)
    }
  }
}
const mathParagraphs = paragraphs.filter((paragraph) => paragraph.includes('$'))
const CO_REVIEWERS = ['Yaniv', 'Omri', 'Teddy', 'Aviv', 'Eden', 'Orel', 'Noa', 'Dana', 'Amit', 'Lior']
const FORMULAS = [
  '$$\\mathcal{L}(\\theta) = \\mathbb{E}_{x \\sim D}\\left[\\log p_\\theta(x)\\right]$$',
  'The update is $\\theta_{t+1} = \\theta_t - \\eta \\nabla_\\theta \\mathcal{L}$ with step size $\\eta$.',
  'Attention computes $\\mathrm{softmax}(QK^\\top / \\sqrt{d})V$ for every head.',
  '$$p(x_t \\mid x_{<t}) = \\prod_{i=1}^{t} p(x_i \\mid x_{<i})$$',
]

function title(index: number): string {
  const variant = index % 3
  if (variant === 0 && titleHalves.head.length > 0) return `${pick(titleHalves.head)}: ${pick(titleHalves.tail)}`
  if (variant === 1 && plainTitles.length > 0) return `${pick(plainTitles)} ${pick(['Revisited', 'at Scale', 'in Practice', 'for Long Contexts', 'Without Labels', 'Made Efficient', 'Under Distribution Shift'])}`
  return `${pick(titleHalves.tail.length > 0 ? titleHalves.tail : plainTitles)} (${pick(['Extended', 'Part II', 'A Study', 'Technical Report', 'Preprint'])} ${index % 97})`
}

const seenBodies = new Set<string>()
function body(index: number): string {
  for (;;) {
    const parts: string[] = []
    const count = between(9, 17)
    for (let part = 0; part < count; part++) parts.push(pick(paragraphs))
    if (index % 4 === 0) parts.splice(between(1, parts.length - 1), 0, mathParagraphs.length > 0 && random() < 0.5 ? pick(mathParagraphs) : pick(FORMULAS))
    if (index % 9 === 0) parts.push(`Code is available at <https://github.com/example/project-${index}>.`)
    const text = parts.join('\n\n')
    if (!seenBodies.has(text)) {
      seenBodies.add(text)
      return text
    }
  }
}

/** A unique, valid arXiv id per review, ascending with the date. */
function arxivId(date: Date, index: number): string {
  const yymm = `${String(date.getUTCFullYear() % 100).padStart(2, '0')}${String(date.getUTCMonth() + 1).padStart(2, '0')}`
  return `${yymm}.${String(10000 + (index % 90000)).padStart(5, '0')}`
}

interface Generated {
  readonly index: number
  readonly date: Date
  readonly title: string
  readonly body: string
  readonly arxivId: string
  readonly coReviewer: string | null
}

// Dates: one review a day backwards from 2025-09-05, several a day once past ~6 years.
const start = Date.UTC(2025, 8, 5)
const perDay = Math.max(1, Math.ceil(total / 2200))
const generated: Generated[] = []
const usedIds = new Set<string>()
for (let index = 0; index < total; index++) {
  const date = new Date(start - Math.floor(index / perDay) * 86_400_000)
  let id = arxivId(date, index)
  for (let bump = 1; usedIds.has(id); bump++) id = arxivId(date, index + bump * 7919)
  usedIds.add(id)
  generated.push({ index, date, title: title(index), body: body(index), arxivId: id, coReviewer: random() < 0.12 ? pick(CO_REVIEWERS) : null })
}

const dd = (date: Date) => `${String(date.getUTCDate()).padStart(2, '0')}.${String(date.getUTCMonth() + 1).padStart(2, '0')}.${String(date.getUTCFullYear() % 100).padStart(2, '0')}`
const iso = (date: Date) => date.toISOString().slice(0, 10)

const files = new Map<string, string[]>()
const append = (file: string, text: string) => {
  const list = files.get(file)
  if (list) list.push(text)
  else files.set(file, [text])
}
for (const review of generated) {
  const year = review.date.getUTCFullYear()
  const roll = review.index % 10
  if (roll < 7) {
    const who = review.coReviewer ? `${review.coReviewer}'s and Mike's` : "Mike's"
    append(`daily-${year}.txt`, `${who} Daily Paper: ${dd(review.date)} ${review.title}\n\n${review.body}\n\n<https://arxiv.org/abs/${review.arxivId}>\n`)
  } else if (roll < 9) {
    append(`monthly-${iso(review.date).slice(0, 7)}.md`, `# ${review.title}\nhttps://arxiv.org/abs/${review.arxivId}\n${review.body.split(/\n\s*\n/).join('\n')}\n`)
  } else {
    append(`notes-${year}.md`, `## [${review.title}](https://arxiv.org/abs/${review.arxivId})\n${review.body}\n`)
  }
}

rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })
for (const [file, entries] of files) {
  let frontMatter: string
  if (file.startsWith('daily-')) frontMatter = `---\ntitle: Synthetic Daily Paper ${file.slice(6, 10)}\nreviewers: [Mike]\nformat: daily-reviews\n---\n`
  else if (file.startsWith('monthly-')) frontMatter = `---\ntitle: Synthetic Monthly ${file.slice(8, 15)}\nreviewers: [Tunadorable]\ndate: ${file.slice(8, 15)}-01\nformat: monthly-digest\n---\nWelcome to the synthetic monthly newsletter.\n`
  else frontMatter = `---\ntitle: Synthetic Notes ${file.slice(6, 10)}\nreviewers: [Anna]\ndate: ${file.slice(6, 10)}-12-31\nformat: link-notes\n---\n`
  // Reviews were generated newest first; daily feeds run oldest first, as the real one does.
  const ordered = file.startsWith('daily-') ? [...entries].reverse() : entries
  writeFileSync(path.join(outDir, file), frontMatter + ordered.join('\n'))
}
copyFileSync(path.join(values.content, 'topics.yaml'), path.join(outDir, 'topics.yaml'))
const bytes = [...files.values()].reduce((sum, entries) => sum + entries.reduce((inner, entry) => inner + entry.length, 0), 0)
console.log(`wrote ${total} reviews (${(bytes / total / 1024).toFixed(1)} kB each on average) in ${files.size} files to ${path.relative(process.cwd(), outDir) || '.'}`)
