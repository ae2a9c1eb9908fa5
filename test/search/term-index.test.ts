/**
 * The index builder must give exactly what MiniSearch serialises for the same
 * documents (the browser loads it with MiniSearch), and a reused analysis must be
 * exactly a fresh one.
 */
import path from 'node:path'
import fc from 'fast-check'
import MiniSearch from 'minisearch'
import { describe, expect, it } from 'vitest'
import { build } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'
import { renderSummaries } from '../../src/render/index.ts'
import { primaryDocuments, textDocuments } from '../../src/search/index.ts'
import { PRIMARY_INDEX_OPTIONS, processTerm, TEXT_INDEX_OPTIONS } from '../../src/search/options.ts'
import { analysisOptions, analyzeDocument, buildIndex, indexJson, packAnalysis, unpackAnalysis } from '../../src/search/term-index.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const result = await build(resolveConfig({}, ROOT), { write: false })
const rendered = await renderSummaries(result.papers, new Map(result.sources.map((source) => [source.file.path, source.file])))

/** MiniSearch's own serialisation, with the terms in sorted order (the only difference allowed). */
function miniSearchObject<T extends { id: string }>(options: typeof PRIMARY_INDEX_OPTIONS | typeof TEXT_INDEX_OPTIONS, documents: T[]) {
  const index = new MiniSearch(options as never)
  index.addAll(documents)
  const object = index.toJSON()
  return { ...object, index: [...object.index].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) }
}

function ourObject<T extends { id: string }>(options: typeof PRIMARY_INDEX_OPTIONS | typeof TEXT_INDEX_OPTIONS, documents: T[]) {
  const analysis = analysisOptions(options as never)
  // Analysed as the builder asks for them, which it does one at a time, in order.
  function* analyzed() {
    for (const document of documents) yield analyzeDocument(analysis, analysis.fields.map((field) => String((document as Record<string, unknown>)[field])))
  }
  return buildIndex(analysis.fields, documents.map((document) => document.id), analyzed())
}

describe('the index builder', () => {
  it('serialises the seed papers exactly as MiniSearch does: postings, field lengths, averages to the last bit', () => {
    const primary = primaryDocuments(result.papers, [])
    const text = textDocuments(result.papers, (review) => rendered.get(review)?.text ?? '')
    expect(primary.length).toBeGreaterThan(200)
    for (const [options, documents] of [[PRIMARY_INDEX_OPTIONS, primary], [TEXT_INDEX_OPTIONS, text]] as const) {
      const ours = ourObject(options, documents as Array<{ id: string }>)
      const theirs = miniSearchObject(options, documents as Array<{ id: string }>)
      expect(ours.terms.length).toBeGreaterThan(100)
      expect(indexJson(ours)).toBe(JSON.stringify(theirs))
    }
  })

  it('matches MiniSearch on any text, accents, empty fields and repeated words included', () => {
    const word = fc.constantFrom('Über', 'uber', 'the', 'Attention', 'attention', 'naïve', '2405.05417', 'x', 'ﬁne', 'Ⅻ', 'é', 'Representational', 'hyperparameterisation', '')
    const documents = fc.array(fc.array(word, { maxLength: 12 }).map((words) => words.join(' ')), { minLength: 1, maxLength: 8 })
    fc.assert(
      fc.property(documents, (texts) => {
        const docs = texts.map((text, index) => ({ id: `d${index}`, text }))
        expect(indexJson(ourObject(TEXT_INDEX_OPTIONS, docs))).toBe(JSON.stringify(miniSearchObject(TEXT_INDEX_OPTIONS, docs)))
      }),
    )
  })

  it('packs and unpacks an analysis without loss', () => {
    const analysis = analysisOptions(PRIMARY_INDEX_OPTIONS as never)
    const document = analyzeDocument(analysis, ['Attention is all you need: attention, again', 'Efficiency efficiency', ''])
    const unpacked = unpackAnalysis(packAnalysis(document))!
    expect(unpacked.lengths).toEqual(document.lengths)
    expect(unpacked.terms).toEqual(document.terms)
    expect(document.terms[0]).toEqual(['attention', '2', 'all', '1', 'you', '1', 'need', '1', 'again', '1'])
    expect(unpackAnalysis('not json')).toBeNull()
  })

  it('folds plain ASCII and other text alike', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), (term) => {
        const slow = term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
        const fast = processTerm(term)
        if (fast === null) expect(['a', 'an', 'the', 'of', 'and'].some((word) => word === slow) || processTerm(slow) === null).toBe(true)
        else expect(fast).toBe(slow)
      }),
    )
  })
})
