/**
 * The parsed taxonomy remembered between builds: parsing `topics.yaml` and
 * compiling its ~1,200 phrases takes about 0.1 s on every build, whatever the
 * site's size. An entry, keyed by the file's text and the tagger's code, holds
 * each topic with its phrases and every message as it was reported; restored
 * topics compile their phrases only if a paper must be tagged. Storage is the
 * output stage's business (`src/output/disk-cache.ts`); the catalog only asks.
 */
import { createHash } from 'node:crypto'
import type { VFile } from 'vfile'
import { restoreMessages, storeMessages, type StoredMessage } from '../diagnostics/stored-messages.ts'
import { lazyRuleSet, parseTaxonomy, phrasesOf, type Taxonomy, type Topic, type TopicPhrases } from './topics.ts'

/** A parsed taxonomy as JSON. */
export interface CachedTaxonomy {
  readonly topics: ReadonlyArray<{ readonly slug: string; readonly name: string; readonly description: string; readonly weight: number; readonly phrases: TopicPhrases }>
  readonly messages: readonly StoredMessage[]
}

/** Where parsed taxonomies are looked up and stored. */
export interface TaxonomyCache {
  get(key: string): CachedTaxonomy | undefined
  set(key: string, value: CachedTaxonomy): void
}

/**
 * Topics restored from each cache entry: a `digest dev` session's cache gives the
 * same entry to every build, whose topics then compile their phrases once.
 */
const restored = new WeakMap<CachedTaxonomy, readonly Topic[]>()

/** {@link parseTaxonomy}, or the same result restored from `cache` for the same text and code. */
export function parseTaxonomyCached(text: string, file: VFile, code: string, cache: TaxonomyCache | null): Taxonomy {
  if (!cache) return parseTaxonomy(text, file)
  const key = createHash('sha256').update(code).update('\0').update(text).digest('hex')
  const cached = cache.get(key)
  if (cached) {
    restoreMessages(file, cached.messages)
    let topics = restored.get(cached)
    if (!topics) {
      // Keys in the order parseTaxonomy gives them: pages are keyed by the JSON of the topics.
      topics = cached.topics.map(({ slug, name, description, weight, phrases }) => ({ slug, name, description, rules: lazyRuleSet(phrases), weight }))
      restored.set(cached, topics)
    }
    return { topics }
  }
  const before = file.messages.length
  const taxonomy = parseTaxonomy(text, file)
  cache.set(key, {
    topics: taxonomy.topics.map((topic) => ({ slug: topic.slug, name: topic.name, description: topic.description, weight: topic.weight, phrases: phrasesOf(topic.rules) })),
    messages: storeMessages(file.messages.slice(before)),
  })
  return taxonomy
}
