/**
 * A MiniSearch index built without MiniSearch: documents are analysed one by one
 * (tokenized and normalised with the shared options, so an unchanged document's
 * analysis can be reused from the build cache), then their postings are merged
 * into exactly the plain object `MiniSearch#toJSON()` gives for the same documents
 * added in the same order, which the browser loads with `MiniSearch.loadJS`.
 * Terms come sorted, so shards are byte-stable.
 *
 * Why: MiniSearch's `add` inserts every term occurrence into a radix tree, the
 * slowest step of a large build, and it cannot reuse work across builds.
 */
import type { AsPlainObject, Options } from 'minisearch'

/** What one document adds to an index, per field (in the index's field order). */
export interface AnalyzedDocument {
  /** Distinct tokens per field (MiniSearch's field length). */
  readonly lengths: readonly number[]
  /**
   * Per field: normalised terms and how often each occurs, interleaved
   * (`[term, count, term, count, …]`, counts as decimal strings), in first-occurrence order.
   */
  readonly terms: ReadonlyArray<readonly string[]>
}

/** The options this module honours: fields, tokenizer and term processing (which may drop a term). */
export interface AnalysisOptions {
  readonly fields: readonly string[]
  readonly tokenize: (text: string) => string[]
  readonly processTerm: (term: string) => string | null
}

/** The analysis options of a MiniSearch index's options (which must set all three). */
export function analysisOptions(options: Pick<Options<never>, 'fields' | 'tokenize' | 'processTerm'>): AnalysisOptions {
  const { fields, tokenize, processTerm } = options
  if (!tokenize || !processTerm) throw new Error('research-digest: a search index needs its own tokenize and processTerm to be built without MiniSearch')
  return {
    fields,
    tokenize: (text) => tokenize(text),
    processTerm: (term) => {
      const processed = processTerm(term)
      if (Array.isArray(processed)) throw new Error('research-digest: processTerm returned several terms, which this index builder does not support')
      return processed || null
    },
  }
}

/** Tokenize and normalise one document, field by field, as `MiniSearch#add` does. */
export function analyzeDocument(options: AnalysisOptions, values: readonly string[]): AnalyzedDocument {
  const lengths: number[] = []
  const terms: string[][] = []
  options.fields.forEach((_field, index) => {
    const tokens = options.tokenize(values[index] ?? '')
    lengths.push(new Set(tokens).size)
    const counts = new Map<string, number>()
    for (const token of tokens) {
      const term = options.processTerm(token)
      if (term) counts.set(term, (counts.get(term) ?? 0) + 1)
    }
    terms.push([...counts].flatMap(([term, count]) => [term, String(count)]))
  })
  return { lengths, terms }
}

/** An analysis as one compact string, for the build cache. */
export function packAnalysis(document: AnalyzedDocument): string {
  return JSON.stringify([document.lengths, document.terms.map((pairs) => pairs.join(' '))])
}

/** The inverse of {@link packAnalysis}; null when the string is not a packed analysis. */
export function unpackAnalysis(packed: string): AnalyzedDocument | null {
  try {
    const [lengths, fields] = JSON.parse(packed) as [number[], string[]]
    // Terms never contain spaces: the tokenizer splits on everything but letters, digits and the dot of arXiv ids.
    return { lengths, terms: fields.map((field) => (field === '' ? [] : field.split(' '))) }
  } catch {
    return null
  }
}

/** An index built from analysed documents, ready to be written out in shards. */
export interface BuiltIndex {
  /** Everything MiniSearch serialises besides the terms: document count, ids, field lengths and averages. */
  readonly tables: Omit<AsPlainObject, 'index'>
  /** Every term, sorted by code unit. */
  readonly terms: readonly string[]
  /** The JSON of one index entry, `[term, {fieldId: {shortId: count}}]`, byte for byte as `JSON.stringify` writes it. */
  entryJson(term: string): string
  /** How many documents contain `term` (in any field). */
  documentFrequency(term: string): number
}

/**
 * Index `documents` (short id = position): the same index MiniSearch serialises
 * after `addAll` of the same documents, with terms sorted. Documents are read one
 * at a time and not kept (only their postings are), so they may be made as they
 * are asked for.
 */
export function buildIndex(fields: readonly string[], ids: readonly string[], documents: Iterable<AnalyzedDocument>): BuiltIndex {
  const documentIds: Record<string, string> = {}
  const fieldLength: Record<string, number[]> = {}
  const averageFieldLength: number[] = []
  // Per term, per field id: short ids and counts, interleaved, in ascending short id.
  const postings = new Map<string, number[][]>()
  let shortId = 0
  for (const document of documents) {
    documentIds[shortId] = ids[shortId]!
    fieldLength[shortId] = [...document.lengths]
    document.lengths.forEach((length, fieldId) => {
      // MiniSearch's running mean, step for step, so the numbers match to the last bit.
      averageFieldLength[fieldId] = ((averageFieldLength[fieldId] || 0) * shortId + length) / (shortId + 1)
    })
    document.terms.forEach((pairs, fieldId) => {
      for (let index = 0; index < pairs.length; index += 2) {
        const term = pairs[index]!
        let byField = postings.get(term)
        if (!byField) postings.set(ownCopy(term), (byField = []))
        ;(byField[fieldId] ??= []).push(shortId, Number(pairs[index + 1]))
      }
    })
    shortId++
  }
  const documentCount = shortId
  const terms = [...postings.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return {
    tables: {
      documentCount,
      nextId: documentCount,
      documentIds,
      fieldIds: Object.fromEntries(fields.map((field, index) => [field, index])),
      fieldLength,
      averageFieldLength,
      storedFields: {},
      dirtCount: 0,
      serializationVersion: 2,
    },
    terms,
    entryJson(term) {
      const parts: string[] = []
      postings.get(term)!.forEach((pairs, fieldId) => {
        if (!pairs) return
        const counts: string[] = []
        for (let index = 0; index < pairs.length; index += 2) counts.push(`"${pairs[index]}":${pairs[index + 1]}`)
        parts.push(`"${fieldId}":{${counts.join(',')}}`)
      })
      return `[${JSON.stringify(term)},{${parts.join(',')}}]`
    },
    documentFrequency(term) {
      const byField = postings.get(term)
      if (!byField) return 0
      const present = byField.filter(Boolean)
      if (present.length === 1) return present[0]!.length / 2
      const documents = new Set<number>()
      for (const pairs of present) for (let index = 0; index < pairs.length; index += 2) documents.add(pairs[index]!)
      return documents.size
    },
  }
}

/**
 * `term` as a string of its own. A term cut from a longer string (by the tokenizer,
 * or from a packed analysis) may be a slice of it, which keeps all of it alive
 * for as long as the term is a key: a whole document's text, for one rare term.
 */
function ownCopy(term: string): string {
  // V8 copies short substrings anyway; JSON keeps lone surrogates as they are.
  return term.length < 13 ? term : (JSON.parse(JSON.stringify(term)) as string)
}

/** The whole index as the JSON of MiniSearch's plain object (`MiniSearch#toJSON()`), keys in its order. */
export function indexJson(index: BuiltIndex): string {
  const { serializationVersion, ...tables } = index.tables
  const head = JSON.stringify(tables).slice(0, -1)
  return `${head},"index":[${index.terms.map((term) => index.entryJson(term)).join(',')}],"serializationVersion":${serializationVersion}}`
}
