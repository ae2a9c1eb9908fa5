/**
 * Updating written search shards in place of rebuilding them: when a few
 * documents change and every document keeps its short id, only the shards
 * holding their old or new terms change. Each such shard is read back, the
 * changed documents' postings are taken out and their new ones put in, and the
 * shard is written again: byte for byte the shard a full build writes
 * (`term-index.ts` writes entries as `[term,{"fieldId":{"shortId":count}}]`,
 * terms sorted by code unit, ids ascending; integer-like keys of a parsed
 * object come back ascending, so `JSON.stringify` writes them in that order too).
 */
import type { AnalyzedDocument } from './term-index.ts'

/** Postings of one term: field id → short id → count. */
type Postings = Record<string, Record<string, number>>

/** One changed document: its short id and its analysis before and after. */
export interface DocumentChange {
  readonly shortId: number
  readonly before: AnalyzedDocument
  readonly after: AnalyzedDocument
}

/**
 * The change reduced to the terms whose count changed in some field (added,
 * removed or counted differently): postings of every other term stay as they are,
 * so only the shards of these terms need patching. Lengths are kept whole.
 */
export function reduceChange(change: DocumentChange): DocumentChange {
  const fields = Math.max(change.before.terms.length, change.after.terms.length)
  const before: string[][] = []
  const after: string[][] = []
  for (let fieldId = 0; fieldId < fields; fieldId++) {
    const old = pairsToMap(change.before.terms[fieldId] ?? [])
    const now = pairsToMap(change.after.terms[fieldId] ?? [])
    before.push([...old].filter(([term, count]) => now.get(term) !== count).flat())
    after.push([...now].filter(([term, count]) => old.get(term) !== count).flat())
  }
  return { shortId: change.shortId, before: { lengths: change.before.lengths, terms: before }, after: { lengths: change.after.lengths, terms: after } }
}

function pairsToMap(pairs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>()
  for (let index = 0; index < pairs.length; index += 2) map.set(pairs[index]!, pairs[index + 1]!)
  return map
}

/** Every term of an analysis, each once. */
export function termsOf(document: AnalyzedDocument): Set<string> {
  const terms = new Set<string>()
  for (const pairs of document.terms) for (let index = 0; index < pairs.length; index += 2) terms.add(pairs[index]!)
  return terms
}

/**
 * A shard's entries after `changes`: `entries` is the shard's data as parsed
 * (`[term, postings][]`, or none for a new shard); `inShard` tells whether a term
 * belongs to this shard. Returns the entries' JSON, sorted, and the postings of the
 * terms the changes touched (for document frequencies).
 */
export function patchShard(
  entries: ReadonlyArray<readonly [string, Postings]>,
  changes: readonly DocumentChange[],
  inShard: (term: string) => boolean,
): { readonly entryJson: string[]; readonly touched: ReadonlyMap<string, Postings> } {
  const byTerm = new Map<string, Postings>(entries.map(([term, postings]) => [term, postings]))
  const touched = new Map<string, Postings>()
  for (const { shortId, before } of changes) {
    before.terms.forEach((pairs, fieldId) => {
      for (let index = 0; index < pairs.length; index += 2) {
        const term = pairs[index]!
        if (!inShard(term)) continue
        const postings = byTerm.get(term)
        const field = postings?.[fieldId]
        if (!postings || !field) continue
        delete field[shortId]
        if (Object.keys(field).length === 0) delete postings[fieldId]
        touched.set(term, postings)
      }
    })
  }
  for (const { shortId, after } of changes) {
    after.terms.forEach((pairs, fieldId) => {
      for (let index = 0; index < pairs.length; index += 2) {
        const term = pairs[index]!
        if (!inShard(term)) continue
        let postings = byTerm.get(term)
        if (!postings) byTerm.set(term, (postings = {}))
        ;(postings[fieldId] ??= {})[shortId] = Number(pairs[index + 1])
        touched.set(term, postings)
      }
    })
  }
  const entryJson: string[] = []
  for (const term of [...byTerm.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const postings = byTerm.get(term)!
    if (Object.keys(postings).length === 0) continue
    entryJson.push(`[${JSON.stringify(term)},${JSON.stringify(postings)}]`)
  }
  return { entryJson, touched }
}

/** How many documents a term's postings name, in any field. */
export function postingsDocumentFrequency(postings: Postings): number {
  const fields = Object.values(postings)
  if (fields.length === 1) return Object.keys(fields[0]!).length
  const documents = new Set<string>()
  for (const field of fields) for (const shortId of Object.keys(field)) documents.add(shortId)
  return documents.size
}

/**
 * MiniSearch's average field lengths over `fieldLength` (short id → lengths),
 * computed as a running mean step for step, as `buildIndex` does, so the numbers
 * match to the last bit.
 */
export function averageFieldLengths(fieldLength: Readonly<Record<string, readonly number[]>>, count: number): number[] {
  const averages: number[] = []
  for (let shortId = 0; shortId < count; shortId++) {
    fieldLength[shortId]!.forEach((length, fieldId) => {
      averages[fieldId] = ((averages[fieldId] || 0) * shortId + length) / (shortId + 1)
    })
  }
  return averages
}
