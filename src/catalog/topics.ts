/**
 * The curated topic taxonomy (`content/topics.yaml`) and the rule-based tagger
 * that assigns topic slugs to papers from their title and review text.
 *
 * Phrase syntax (documented for editors at the top of `topics.yaml`):
 * - every phrase is a JavaScript regular-expression source, matched
 *   case-insensitively (flags `iu`) and only on whole words: it must not be
 *   preceded or followed by a letter or digit;
 * - a plain space in a phrase matches any run of whitespace and hyphens, so
 *   `mixture of experts` also matches `Mixture-of-Experts`;
 * - a leading `(?-i)` makes the phrase case-sensitive (`(?-i)RL`).
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml'
import type { Node as YamlNode } from 'yaml'
import type { VFile } from 'vfile'

/** Compiled match rules of one topic. All regexes use the `iu` (or `u`) flags and are not global. */
export interface TopicRuleSet {
  /** Strong phrases: they count in the title (heavily) and in review text. */
  readonly title: readonly RegExp[]
  /** Supporting phrases: they count only in review text. */
  readonly summary: readonly RegExp[]
  /** Phrases whose matches mask out overlapping `title`/`summary` matches. */
  readonly exclude: readonly RegExp[]
}

/** One topic of the taxonomy. */
export interface Topic {
  /** Kebab-case, URL-safe identifier. */
  readonly slug: string
  /** Display name. */
  readonly name: string
  /** One-sentence description. */
  readonly description: string
  /** Compiled match rules. */
  readonly rules: TopicRuleSet
  /** Score multiplier (`weight:` in YAML, default 1); broad topics use less than 1 so specific ones list first. */
  readonly weight: number
}

/** The parsed taxonomy, topics in file order. */
export interface Taxonomy {
  readonly topics: readonly Topic[]
}

/** What the tagger reads about a paper. */
export interface TaggableText {
  /** The paper title. */
  readonly title: string
  /** Review texts (Markdown, possibly with LaTeX). */
  readonly summaries: readonly string[]
}

/** A manual tag change; `add` wins over scoring, `remove` drops a tag. */
export interface TagOverride {
  readonly add: readonly string[]
  readonly remove: readonly string[]
}

const SOURCE = 'research-digest:topics'
const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const KNOWN_KEYS = new Set(['slug', 'name', 'description', 'title', 'summary', 'exclude', 'weight'])
const CASE_SENSITIVE_PREFIX = '(?-i)'

/** Score of one distinct title phrase found in the title. */
const TITLE_HIT = 10
/** Score of each further distinct title phrase. */
const TITLE_EXTRA_HIT = 2
/**
 * Review-text strength (distinct phrases + half the mentions) a topic needs
 * without a title hit: 3.5 is two phrases with three mentions, or one phrase
 * five times. Longer review text needs proportionally more (square-root
 * growth from {@link SUMMARY_REFERENCE_CHARS}, capped at {@link SUMMARY_MAX_STRENGTH}).
 */
const SUMMARY_MIN_STRENGTH = 3.5
const SUMMARY_REFERENCE_CHARS = 2500
const SUMMARY_MAX_STRENGTH = 7
/** A topic without a title hit also needs this fraction of the strongest topic's review-text strength. */
const SUMMARY_MIN_RELATIVE = 0.35
/** Occurrences of a single phrase beyond this cap add nothing. */
const PER_PHRASE_CAP = 5
/** Default number of scored tags returned by {@link tagPaper}. */
const DEFAULT_MAX_TAGS = 5

/** Global twins of the compiled (non-global) rule regexes, for counting occurrences. */
const globalTwins = new WeakMap<RegExp, RegExp>()
/** A lower-case literal every match of the phrase contains, when the phrase has one. */
const needles = new WeakMap<RegExp, string>()
/** The phrase each compiled rule was made from (for the taxonomy cache). */
const phraseSources = new WeakMap<RegExp, string>()

/**
 * The longest run of plain letters and digits that every match of `source` must
 * contain: outside groups, classes and escapes, and not made optional by a
 * quantifier. Empty when the phrase has a top-level alternation or no such run.
 */
export function requiredLiteral(source: string): string {
  let depth = 0
  for (let index = 0; index < source.length; index++) {
    const char = source[index]
    if (char === '\\') index++
    else if (char === '(') depth++
    else if (char === ')') depth--
    else if (char === '|' && depth === 0) return ''
  }
  let best = ''
  let run = ''
  let inClass = false
  const end = () => {
    if (run.length > best.length) best = run
    run = ''
  }
  depth = 0
  for (let index = 0; index < source.length; index++) {
    const char = source[index]!
    if (inClass) {
      if (char === '\\') index++
      else if (char === ']') inClass = false
      continue
    }
    if (char === '\\') {
      end()
      index++
    } else if (char === '[') {
      end()
      inClass = true
    } else if (char === '(') {
      end()
      depth++
    } else if (char === ')') {
      end()
      depth--
      // A quantified group may be absent or repeated: nothing about it is required.
    } else if (depth === 0 && /[A-Za-z0-9]/.test(char)) {
      const next = source[index + 1]
      if (next === '?' || next === '*' || (next === '{' && source[index + 2] === '0')) {
        end()
      } else if (next === '+' || next === '{') {
        run += char
        end()
      } else {
        run += char
      }
    } else {
      end()
    }
  }
  end()
  return best
}

/**
 * Rewrites unescaped spaces outside character classes to "whitespace or
 * hyphens", so one phrase covers `mixture of experts` and `Mixture-of-Experts`.
 */
function expandSpaces(source: string): string {
  let out = ''
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] ?? ''
    if (ch === '\\') {
      out += ch + (source[i + 1] ?? '')
      i++
    } else if (inClass) {
      if (ch === ']') inClass = false
      out += ch
    } else if (ch === '[') {
      inClass = true
      out += ch
    } else if (ch === ' ') {
      while (source[i + 1] === ' ') i++
      out += '[\\s\\-\u2010\u2011\u2013]+'
    } else {
      out += ch
    }
  }
  return out
}

/**
 * A letter or digit for word boundaries: ASCII, Latin-1 and Latin Extended,
 * Greek and Cyrillic. An explicit class rather than `[\p{L}\p{N}]`: V8 compiles
 * Unicode property classes ten times slower, and the taxonomy has ~1,200 phrases.
 */
const WORD_CHAR = '[A-Za-z0-9\\u00C0-\\u024F\\u0370-\\u03FF\\u0400-\\u04FF]'

/** Compiles one phrase; throws a SyntaxError for an invalid regex. */
function compilePhrase(phrase: string): RegExp {
  let source = phrase.trim()
  let flags = 'iu'
  if (source.startsWith(CASE_SENSITIVE_PREFIX)) {
    source = source.slice(CASE_SENSITIVE_PREFIX.length).trim()
    flags = 'u'
  }
  if (source === '') throw new SyntaxError('empty phrase')
  const wrapped = `(?<!${WORD_CHAR})(?:${expandSpaces(source)})(?!${WORD_CHAR})`
  const re = new RegExp(wrapped, flags)
  globalTwins.set(re, new RegExp(wrapped, flags + 'g'))
  const needle = requiredLiteral(source)
  if (needle.length >= 2) {
    needles.set(re, needle.toLowerCase())
    allNeedles.add(needle.toLowerCase())
  }
  if (re.test('')) throw new SyntaxError('phrase matches the empty string')
  phraseSources.set(re, phrase)
  return re
}

/** The phrases of a topic's rules, as written in the taxonomy. */
export interface TopicPhrases {
  readonly title: readonly string[]
  readonly summary: readonly string[]
  readonly exclude: readonly string[]
}

/** The phrases a rule set was compiled from (rules compiled by {@link parseTaxonomy} only). */
export function phrasesOf(rules: TopicRuleSet): TopicPhrases {
  const sources = (list: readonly RegExp[]) => list.map((re) => phraseSources.get(re) ?? re.source)
  return { title: sources(rules.title), summary: sources(rules.summary), exclude: sources(rules.exclude) }
}

/**
 * Rules from phrases {@link parseTaxonomy} accepted before, compiled only when
 * first used: a build whose tags all come from the cache compiles none.
 */
export function lazyRuleSet(phrases: TopicPhrases): TopicRuleSet {
  let compiled: TopicRuleSet | null = null
  const rules = () => (compiled ??= { title: phrases.title.map(compilePhrase), summary: phrases.summary.map(compilePhrase), exclude: phrases.exclude.map(compilePhrase) })
  return {
    get title() {
      return rules().title
    },
    get summary() {
      return rules().summary
    },
    get exclude() {
      return rules().exclude
    },
  }
}

function placeOf(node: YamlNode | null | undefined, lines: LineCounter) {
  const offset = node?.range?.[0]
  if (offset === undefined) return undefined
  const { line, col } = lines.linePos(offset)
  return { line, column: col, offset }
}

/**
 * Parses the text of `topics.yaml` (a list of topics, or a map with a
 * `topics:` list) and precompiles every phrase.
 *
 * Problems (bad YAML, missing or malformed slug, duplicate slug, malformed
 * rule lists, invalid regex) become messages on `file` with a `ruleId` and
 * source `research-digest:topics`; the offending topic is skipped and the
 * others are kept. Never throws.
 */
export function parseTaxonomy(text: string, file: VFile): Taxonomy {
  const lines = new LineCounter()
  let doc
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  } catch (error) {
    file.message(`Cannot parse topics: ${String(error)}`, { ruleId: 'topics-yaml', source: SOURCE })
    return { topics: [] }
  }
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const offset = error.pos[0]
      const { line, col } = lines.linePos(offset)
      file.message(`Invalid YAML in topics: ${error.message.split('\n')[0] ?? ''}`, {
        place: { line, column: col, offset },
        ruleId: 'topics-yaml',
        source: SOURCE,
      })
    }
    return { topics: [] }
  }

  let list: unknown = doc.contents
  if (isMap(list)) list = list.get('topics', true)
  if (!isSeq(list)) {
    file.message('Expected topics.yaml to be a list of topics', {
      place: placeOf(doc.contents, lines),
      ruleId: 'topics-shape',
      source: SOURCE,
    })
    return { topics: [] }
  }

  const topics: Topic[] = []
  const seen = new Map<string, number | undefined>()
  list.items.forEach((item, index) => {
    const where = `topic #${index + 1}`
    const place = placeOf(item as YamlNode, lines)
    const report = (reason: string, ruleId: string, node?: YamlNode | null) =>
      file.message(reason, { place: placeOf(node, lines) ?? place, ruleId, source: SOURCE })

    if (!isMap(item)) {
      report(`Expected ${where} to be a mapping`, 'topics-shape')
      return
    }
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      if (!KNOWN_KEYS.has(key)) report(`Unknown key \`${key}\` in ${where}`, 'topics-unknown-key', pair.key as YamlNode)
    }

    const slugNode = item.get('slug', true)
    const slug: unknown = isScalar(slugNode) ? slugNode.value : undefined
    if (typeof slug !== 'string' || slug.trim() === '') {
      report(`Missing \`slug\` in ${where}; topic skipped`, 'topics-missing-slug')
      return
    }
    if (!SLUG_RE.test(slug)) {
      report(`Slug \`${slug}\` is not kebab-case; topic skipped`, 'topics-invalid-slug', slugNode)
      return
    }
    if (seen.has(slug)) {
      const first = seen.get(slug)
      report(
        `Duplicate slug \`${slug}\`${first === undefined ? '' : ` (first defined on line ${first})`}; topic skipped`,
        'topics-duplicate-slug',
        slugNode,
      )
      return
    }

    const text = (key: string): string | undefined => {
      const node = item.get(key, true)
      return isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '' ? node.value.trim() : undefined
    }
    let name = text('name')
    if (name === undefined) {
      report(`Missing \`name\` for topic \`${slug}\`; using the slug`, 'topics-missing-name')
      name = slug
    }
    const description = text('description') ?? ''
    if (description === '') report(`Missing \`description\` for topic \`${slug}\``, 'topics-missing-description')

    let weight = 1
    const weightNode = item.get('weight', true)
    if (weightNode !== undefined) {
      const value: unknown = isScalar(weightNode) ? weightNode.value : undefined
      if (typeof value === 'number' && Number.isFinite(value) && value > 0) weight = value
      else report(`\`weight\` of topic \`${slug}\` must be a positive number; using 1`, 'topics-invalid-weight', weightNode as YamlNode)
    }

    let ok = true
    const rules = (key: 'title' | 'summary' | 'exclude'): RegExp[] => {
      const node = item.get(key, true)
      if (node === undefined || node === null || (isScalar(node) && node.value === null)) return []
      if (!isSeq(node)) {
        report(`\`${key}\` of topic \`${slug}\` must be a list of phrases; topic skipped`, 'topics-invalid-rules', node as YamlNode)
        ok = false
        return []
      }
      const out: RegExp[] = []
      for (const phraseNode of node.items) {
        const value: unknown = isScalar(phraseNode) ? phraseNode.value : undefined
        if (typeof value !== 'string' && typeof value !== 'number') {
          report(`\`${key}\` of topic \`${slug}\` must contain only strings; topic skipped`, 'topics-invalid-rules', phraseNode as YamlNode)
          ok = false
          continue
        }
        try {
          out.push(compilePhrase(String(value)))
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error)
          report(
            `Invalid phrase \`${String(value)}\` in \`${key}\` of topic \`${slug}\` (${reason}); topic skipped`,
            'topics-invalid-regex',
            phraseNode as YamlNode,
          )
          ok = false
        }
      }
      return out
    }
    const ruleSet: TopicRuleSet = { title: rules('title'), summary: rules('summary'), exclude: rules('exclude') }
    if (!ok) return
    if (ruleSet.title.length === 0 && ruleSet.summary.length === 0) {
      report(`Topic \`${slug}\` has no \`title\` or \`summary\` phrases; only overrides can apply it`, 'topics-no-rules')
    }

    seen.set(slug, place?.line)
    const topic: Topic = { slug, name, description, rules: ruleSet, weight }
    topics.push(topic)
  })
  return { topics }
}

/** Blanks out URLs (bare, autolinks and Markdown link targets) so `…/rl/…` never counts. */
function maskUrls(text: string): string {
  return text
    .replace(/\]\([^)\s]*\)/g, (m) => ' '.repeat(m.length))
    .replace(/\b(?:https?:\/\/|www\.)[^\s<>()\]]+/gi, (m) => ' '.repeat(m.length))
}

type Span = readonly [number, number]

/**
 * Which needles occur in a text: one pass over the lower-cased text, looking up
 * each position's first two code units, instead of one substring search per
 * phrase (hundreds of phrases, every paper).
 */
export class NeedleScanner {
  /** Needles by their first two code units when both are ASCII: index `(first << 7) | second`. */
  readonly #byStart: Array<string[] | undefined> = new Array(1 << 14)
  /** Needles starting otherwise: searched for one by one. */
  readonly #others: string[] = []
  readonly size: number

  constructor(all: ReadonlySet<string>) {
    this.size = all.size
    for (const needle of all) {
      const first = needle.charCodeAt(0)
      const second = needle.charCodeAt(1)
      if ((first | second) >= 128) {
        this.#others.push(needle)
        continue
      }
      ;(this.#byStart[(first << 7) | second] ??= []).push(needle)
    }
  }

  /** The needles `lower.includes(needle)` holds for. */
  found(lower: string): Set<string> {
    const found = new Set<string>()
    const table = this.#byStart
    for (let index = 0; index + 1 < lower.length; index++) {
      const first = lower.charCodeAt(index)
      const second = lower.charCodeAt(index + 1)
      if ((first | second) >= 128) continue
      const candidates = table[(first << 7) | second]
      if (candidates === undefined) continue
      for (const needle of candidates) if (needle.length === 2 || lower.startsWith(needle, index)) found.add(needle)
    }
    for (const needle of this.#others) if (lower.includes(needle)) found.add(needle)
    return found
  }
}

/** Every needle of every compiled phrase; the scanner is rebuilt when phrases are added. */
const allNeedles = new Set<string>()
let scanner = new NeedleScanner(allNeedles)
/** The needles found in the texts of the paper being tagged (its title and its summaries). */
let scanned = new Map<string, Set<string>>()

function needlesIn(text: string): Set<string> {
  // Phrases compiled since (a cached taxonomy compiles them when first used) add needles: scan again.
  if (scanner.size !== allNeedles.size) {
    scanner = new NeedleScanner(allNeedles)
    scanned = new Map()
  }
  let found = scanned.get(text)
  if (!found) {
    found = scanner.found(text.toLowerCase())
    if (scanned.size >= 4) scanned = new Map()
    scanned.set(text, found)
  }
  return found
}

function spans(re: RegExp, text: string): Span[] {
  // Most phrases contain a literal word every match must contain: ruling those out
  // first skips almost all of the (far slower) regular expressions.
  const needle = needles.get(re)
  if (needle && !needlesIn(text).has(needle)) return []
  const global = globalTwins.get(re) ?? new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g')
  const out: Span[] = []
  for (const m of text.matchAll(global)) {
    if (m[0] !== '') out.push([m.index, m.index + m[0].length])
  }
  return out
}

function overlaps([start, end]: Span, others: readonly Span[]): boolean {
  return others.some(([s, e]) => start < e && s < end)
}

/** Number of distinct title phrases found in `title` (matches inside excluded spans do not count). */
function titleHits(rules: TopicRuleSet, title: string): number {
  const excluded = rules.exclude.flatMap((re) => spans(re, title))
  let hits = 0
  for (const re of rules.title) if (spans(re, title).some((s) => !overlaps(s, excluded))) hits++
  return hits
}

interface Evidence {
  /** Distinct summary phrases with at least one mention. */
  readonly distinct: number
  /** Mentions, at most {@link PER_PHRASE_CAP} per phrase. */
  readonly occurrences: number
}

/**
 * Counts mentions of summary phrases in `body`. Overlapping matches of
 * different phrases (`diffusion models` and `diffusion`) make one mention,
 * credited to the longest match.
 */
function summaryEvidence(rules: TopicRuleSet, body: string): Evidence {
  if (rules.summary.length === 0 || body === '') return { distinct: 0, occurrences: 0 }
  const excluded = rules.exclude.flatMap((re) => spans(re, body))
  const found: { readonly span: Span; readonly phrase: number }[] = []
  rules.summary.forEach((re, phrase) => {
    for (const span of spans(re, body)) if (!overlaps(span, excluded)) found.push({ span, phrase })
  })
  found.sort((a, b) => a.span[0] - b.span[0] || b.span[1] - a.span[1] || a.phrase - b.phrase)
  const perPhrase = new Map<number, number>()
  let lastEnd = -1
  for (const { span, phrase } of found) {
    if (span[0] < lastEnd) continue
    lastEnd = span[1]
    perPhrase.set(phrase, (perPhrase.get(phrase) ?? 0) + 1)
  }
  let occurrences = 0
  for (const n of perPhrase.values()) occurrences += Math.min(n, PER_PHRASE_CAP)
  return { distinct: perPhrase.size, occurrences }
}

/** Review-text strength: distinct phrases count more than repeats. */
function strength(e: Evidence): number {
  return e.distinct + 0.5 * e.occurrences
}

/** Review-text strength a topic needs without a title hit, for `chars` characters of review text. */
function requiredStrength(chars: number): number {
  const scaled = SUMMARY_MIN_STRENGTH * Math.sqrt(chars / SUMMARY_REFERENCE_CHARS)
  return Math.min(SUMMARY_MAX_STRENGTH, Math.max(SUMMARY_MIN_STRENGTH, scaled))
}

interface Scored {
  readonly slug: string
  readonly score: number
  readonly order: number
}

/**
 * Tags a paper with topic slugs, best first.
 *
 * A title phrase found in the title scores far more than anything in review
 * text. A topic seen only in review text needs at least two distinct phrases
 * with three mentions (or one phrase five times), more in long reviews, and a
 * fair share of the strongest topic's evidence, so a passing mention does not
 * tag. Ties
 * keep taxonomy order, so the result is deterministic.
 *
 * Overrides then apply in order (a later override wins over an earlier one):
 * added slugs come first and do not count toward `maxTags`; removed slugs are
 * dropped, letting the next-best topic in. Slugs not in the taxonomy are
 * ignored.
 */
export function tagPaper(
  taxonomy: Taxonomy,
  text: TaggableText,
  overrides: readonly TagOverride[] = [],
  maxTags: number = DEFAULT_MAX_TAGS,
): string[] {
  const known = new Set(taxonomy.topics.map((t) => t.slug))
  const added: string[] = []
  const removed = new Set<string>()
  for (const override of overrides) {
    for (const slug of override.add) {
      removed.delete(slug)
      if (known.has(slug) && !added.includes(slug)) added.push(slug)
    }
    for (const slug of override.remove) {
      removed.add(slug)
      const at = added.indexOf(slug)
      if (at >= 0) added.splice(at, 1)
    }
  }

  const title = maskUrls(text.title)
  const body = maskUrls(text.summaries.join('\n\n'))
  const candidates = taxonomy.topics.map((topic, order) => {
    const evidence = summaryEvidence(topic.rules, body)
    return { topic, order, hits: titleHits(topic.rules, title), evidence, strength: strength(evidence) }
  })
  const strongest = Math.max(0, ...candidates.map((c) => c.strength))
  const required = Math.max(requiredStrength(body.length), SUMMARY_MIN_RELATIVE * strongest)

  const scored: Scored[] = []
  for (const c of candidates) {
    if (removed.has(c.topic.slug) || added.includes(c.topic.slug)) continue
    if (c.hits === 0 && c.strength < required) continue
    const titleScore = c.hits === 0 ? 0 : TITLE_HIT + TITLE_EXTRA_HIT * (c.hits - 1)
    scored.push({ slug: c.topic.slug, score: c.topic.weight * (titleScore + c.strength), order: c.order })
  }
  scored.sort((a, b) => b.score - a.score || a.order - b.order)

  const cap = Number.isFinite(maxTags) ? Math.max(0, Math.floor(maxTags)) : DEFAULT_MAX_TAGS
  return [...added, ...scored.slice(0, cap).map((s) => s.slug)]
}
