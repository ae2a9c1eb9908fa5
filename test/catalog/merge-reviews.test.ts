/**
 * Catalog merging: which reviews become one paper (arXiv id, link, title), which
 * repeated posts are dropped, and how merged papers get their title, id and order.
 * Everything here is built from small hand-made reviews; no files are read.
 */
import { VFile } from 'vfile'
import { describe, expect, it } from 'vitest'
import { buildCatalog, type CatalogSource } from '../../src/catalog/index.ts'
import { groupReviews, isSameText, normalizeUrl } from '../../src/catalog/merge-reviews.ts'
import type { Taxonomy, Topic } from '../../src/catalog/topics.ts'
import type { Paper, Review } from '../../src/model.ts'

const NO_TOPICS: Taxonomy = { topics: [] }

/** A review with neutral defaults; every test states only what matters to it. */
function review(fields: Partial<Review> & Pick<Review, 'source' | 'line'>): Review {
  return {
    date: '2025-01-01',
    reviewers: ['Mike'],
    summary: `Review text written at line ${fields.line} of ${fields.source}.`,
    title: null,
    headline: null,
    url: null,
    arxivId: null,
    arxivVersion: null,
    links: [],
    tagOverride: null,
    ...fields,
  }
}

/** One VFile per distinct source, as the build hands them to the catalog. */
function filesFor(reviews: readonly Review[]): Map<string, VFile> {
  const files = new Map<string, VFile>()
  for (const r of reviews) if (!files.has(r.source)) files.set(r.source, new VFile({ path: r.source }))
  return files
}

/** Group, then describe each group as `source:line` keys (groups and members in returned order). */
function groupKeys(reviews: readonly Review[], files = filesFor(reviews)): string[][] {
  return groupReviews(reviews, files).map((group) => group.map((r) => `${r.source}:${r.line}`))
}

/** Same grouping, ignoring the (unspecified) order of groups and of reviews inside a group. */
function groupSets(reviews: readonly Review[], files = filesFor(reviews)): string[][] {
  return groupKeys(reviews, files)
    .map((group) => [...group].sort())
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1))
}

function catalog(reviews: readonly Review[], taxonomy: Taxonomy = NO_TOPICS): { papers: Paper[]; files: Map<string, VFile> } {
  const files = filesFor(reviews)
  const sources: CatalogSource[] = [...files.values()].map((file) => ({ file, reviews: reviews.filter((r) => r.source === file.path) }))
  return { papers: buildCatalog(sources, taxonomy), files }
}

function messagesOf(files: Map<string, VFile>): { file: string; line: number | undefined; ruleId: string | undefined; fatal: boolean | null | undefined; reason: string }[] {
  return [...files.values()].flatMap((file) =>
    file.messages.map((m) => ({ file: file.path, line: m.line, ruleId: m.ruleId, fatal: m.fatal, reason: m.reason })),
  )
}

/** Several sentences of review prose, so trigram comparison has something to work with. */
const PROSE =
  'The authors prune whole transformer blocks from a pretrained language model and then heal the damage with a short round of QLoRA fine tuning on a small corpus'

// ---------------------------------------------------------------------------
// normalizeUrl
// ---------------------------------------------------------------------------

describe('normalizeUrl', () => {
  it('folds scheme, www., trailing slashes, fragment and case to one key', () => {
    expect(normalizeUrl('https://www.Example.com/Blog/Post/')).toBe('example.com/blog/post')
    expect(normalizeUrl('http://example.com/blog/post')).toBe('example.com/blog/post')
    expect(normalizeUrl('  HTTPS://WWW.example.com/blog/post///  ')).toBe('example.com/blog/post')
    expect(normalizeUrl('https://example.com/blog/post#comments')).toBe('example.com/blog/post')
    expect(normalizeUrl('https://example.com/blog/post/#comments')).toBe('example.com/blog/post')
  })

  it('keeps the query string, which can name a different page', () => {
    expect(normalizeUrl('https://example.com/view?id=7')).toBe('example.com/view?id=7')
    expect(normalizeUrl('https://example.com/view?id=8')).not.toBe(normalizeUrl('https://example.com/view?id=7'))
  })

  it('leaves a URL without a scheme as it is apart from case and slashes', () => {
    expect(normalizeUrl('example.com/a/')).toBe('example.com/a')
    expect(normalizeUrl('ftp://example.com/a')).toBe('ftp://example.com/a')
  })
})

// ---------------------------------------------------------------------------
// isSameText
// ---------------------------------------------------------------------------

describe('isSameText', () => {
  it('treats identical texts as the same', () => {
    expect(isSameText(PROSE, PROSE)).toBe(true)
  })

  it('ignores case, punctuation and spacing', () => {
    expect(isSameText('Hello, World! This is   the review.', 'hello world this is the review')).toBe(true)
  })

  it('treats a text contained in a longer copy as the same (overlap is relative to the shorter)', () => {
    expect(isSameText(PROSE, `${PROSE}. A closing paragraph adds a critique of the evaluation and a note on the released code.`)).toBe(true)
  })

  it('says the same at exactly 60% of shared trigrams, and not below', () => {
    // "w1 … w7" has five trigrams; sharing the first three is 3/5, the first two 2/5.
    const base = 'w1 w2 w3 w4 w5 w6 w7'
    expect(isSameText(base, 'w1 w2 w3 w4 w5 x1 x2 x3 x4')).toBe(true)
    expect(isSameText(base, 'w1 w2 w3 w4 x1 x2 x3 x4 x5')).toBe(false)
  })

  it('tells different reviews apart', () => {
    expect(isSameText(PROSE, 'A diffusion model for protein structures beats AlphaFold on two of five benchmarks while using less compute')).toBe(false)
  })

  it('compares texts too short for trigrams exactly (after trimming)', () => {
    expect(isSameText('Great paper', ' Great paper ')).toBe(true)
    expect(isSameText('Great paper', 'great paper')).toBe(false)
    expect(isSameText('Great paper', PROSE)).toBe(false)
    expect(isSameText('', '')).toBe(true)
  })
})

// ---------------------------------------------------------------------------
// groupReviews
// ---------------------------------------------------------------------------

describe('groupReviews', () => {
  it('merges reviews of one arXiv id across sources, whatever version or link form they used', () => {
    const reviews = [
      review({ source: 'a.md', line: 3, arxivId: '2405.05417', arxivVersion: 'v2', url: 'https://arxiv.org/abs/2405.05417v2' }),
      review({ source: 'b.txt', line: 10, arxivId: '2405.05417', url: 'https://arxiv.org/pdf/2405.05417.pdf' }),
      review({ source: 'c.html', line: 7, arxivId: '2405.05417', url: 'arXiv:2405.05417' }),
      review({ source: 'a.md', line: 20, arxivId: '2401.00001', url: 'https://arxiv.org/abs/2401.00001' }),
    ]
    expect(groupKeys(reviews)).toEqual([['a.md:3', 'b.txt:10', 'c.html:7'], ['a.md:20']])
  })

  it('merges reviews whose links differ only by http/https, www. or a trailing slash', () => {
    const reviews = [
      review({ source: 'a.md', line: 1, url: 'https://www.example.com/post/' }),
      review({ source: 'b.md', line: 2, url: 'http://example.com/post' }),
      review({ source: 'c.md', line: 3, url: 'https://example.com/post#intro' }),
      review({ source: 'd.md', line: 4, url: 'https://example.com/other-post' }),
    ]
    expect(groupKeys(reviews)).toEqual([['a.md:1', 'b.md:2', 'c.md:3'], ['d.md:4']])
  })

  it('lets an unlinked review join the linked paper with the same title, ignoring case and punctuation', () => {
    const reviews = [
      review({ source: 'a.md', line: 5, title: 'Attention Is All You Need', arxivId: '1706.03762', url: 'https://arxiv.org/abs/1706.03762' }),
      review({ source: 'b.md', line: 9, title: 'attention is all you need!' }),
      review({ source: 'c.md', line: 2, title: '“Attention  is all-you-need”' }),
    ]
    expect(groupKeys(reviews)).toEqual([['a.md:5', 'b.md:9', 'c.md:2']])
  })

  it('also matches an unlinked review to a title stated by any review of the linked paper', () => {
    const reviews = [
      review({ source: 'a.md', line: 1, title: null, url: 'https://example.com/kan' }),
      review({ source: 'b.md', line: 1, title: 'KAN: Kolmogorov–Arnold Networks', url: 'http://www.example.com/kan/' }),
      review({ source: 'c.md', line: 1, title: 'KAN Kolmogorov Arnold Networks' }),
    ]
    expect(groupKeys(reviews)).toEqual([['a.md:1', 'b.md:1', 'c.md:1']])
  })

  it('does not merge two different arXiv ids that share a title', () => {
    const reviews = [
      review({ source: 'a.md', line: 1, title: 'Scaling Laws', arxivId: '2001.08361' }),
      review({ source: 'b.md', line: 1, title: 'Scaling laws', arxivId: '2203.15556' }),
    ]
    expect(groupKeys(reviews)).toEqual([['a.md:1'], ['b.md:1']])
  })

  it('keeps an unlinked review apart when its title names two different linked papers', () => {
    const reviews = [
      review({ source: 'a.md', line: 1, title: 'Scaling Laws', arxivId: '2001.08361' }),
      review({ source: 'b.md', line: 1, title: 'Scaling laws', arxivId: '2203.15556' }),
      review({ source: 'c.md', line: 1, title: 'SCALING LAWS' }),
    ]
    expect(groupSets(reviews)).toEqual([['a.md:1'], ['b.md:1'], ['c.md:1']])
  })

  it('merges unlinked reviews with the same title when no linked paper has it', () => {
    const reviews = [
      review({ source: 'a.md', line: 4, title: 'Machine Super Intelligence' }),
      review({ source: 'b.md', line: 8, title: 'machine super-intelligence' }),
      review({ source: 'c.md', line: 1, title: 'Another Thesis' }),
    ]
    expect(groupKeys(reviews)).toEqual([['a.md:4', 'b.md:8'], ['c.md:1']])
  })

  it('keeps every review with neither link nor title on its own', () => {
    const reviews = [review({ source: 'a.md', line: 1 }), review({ source: 'a.md', line: 9 }), review({ source: 'b.md', line: 1, title: '' })]
    expect(groupKeys(reviews)).toEqual([['a.md:1'], ['a.md:9'], ['b.md:1']])
  })

  // Regression: titles that fold to nothing once merged unrelated papers.
  it('does not merge an unlinked review into a linked paper just because both titles are only punctuation', () => {
    const reviews = [
      review({ source: 'a.md', line: 1, title: '???', url: 'https://example.com/mystery' }),
      review({ source: 'b.md', line: 1, title: '!!!' }),
    ]
    expect(groupSets(reviews)).toEqual([['a.md:1'], ['b.md:1']])
  })

  describe('repeated posts', () => {
    it('keeps a post repeated in the same source once, the longer copy, and warns at the dropped line naming the kept line', () => {
      const reviews = [
        review({ source: 'daily.txt', line: 174, arxivId: '2403.17887', summary: PROSE }),
        review({ source: 'daily.txt', line: 196, arxivId: '2403.17887', summary: `${PROSE}, with a closing note on cost.` }),
      ]
      const files = filesFor(reviews)
      expect(groupKeys(reviews, files)).toEqual([['daily.txt:196']])
      expect(messagesOf(files)).toEqual([
        {
          file: 'daily.txt',
          line: 174,
          ruleId: 'duplicate-review',
          fatal: false,
          reason: 'This review repeats the one at line 196 (same paper, near-identical text); only the fuller copy at line 196 is kept',
        },
      ])
    })

    it('keeps the earlier copy when the later one is shorter, and warns at the later line', () => {
      const reviews = [
        review({ source: 'daily.txt', line: 10, url: 'https://example.com/p', summary: `${PROSE}, with a closing note on cost.` }),
        review({ source: 'daily.txt', line: 50, url: 'http://www.example.com/p/', summary: PROSE }),
      ]
      const files = filesFor(reviews)
      expect(groupKeys(reviews, files)).toEqual([['daily.txt:10']])
      expect(messagesOf(files).map((m) => [m.line, m.ruleId, m.reason])).toEqual([
        [50, 'duplicate-review', 'This review repeats the one at line 10 (same paper, near-identical text); only the fuller copy at line 10 is kept'],
      ])
    })

    it('keeps the first copy when both copies are equally long', () => {
      const reviews = [
        review({ source: 'daily.txt', line: 10, arxivId: '2403.17887', summary: PROSE }),
        review({ source: 'daily.txt', line: 50, arxivId: '2403.17887', summary: PROSE }),
      ]
      const files = filesFor(reviews)
      expect(groupKeys(reviews, files)).toEqual([['daily.txt:10']])
      expect(messagesOf(files).map((m) => m.line)).toEqual([50])
    })

    it('keeps near-identical reviews from two different sources, without a warning', () => {
      const reviews = [
        review({ source: 'a.md', line: 3, arxivId: '2403.17887', summary: PROSE }),
        review({ source: 'b.md', line: 3, arxivId: '2403.17887', summary: `${PROSE}.` }),
      ]
      const files = filesFor(reviews)
      expect(groupKeys(reviews, files)).toEqual([['a.md:3', 'b.md:3']])
      expect(messagesOf(files)).toEqual([])
    })

    it('keeps two different reviews of one paper in the same source', () => {
      const reviews = [
        review({ source: 'a.md', line: 3, arxivId: '2403.17887', summary: PROSE }),
        review({ source: 'a.md', line: 90, arxivId: '2403.17887', summary: 'A second look months later: the pruning result did not hold up on reasoning benchmarks at all.' }),
      ]
      const files = filesFor(reviews)
      expect(groupKeys(reviews, files)).toEqual([['a.md:3', 'a.md:90']])
      expect(messagesOf(files)).toEqual([])
    })

    it('does not look for repeats across different papers', () => {
      const reviews = [
        review({ source: 'a.md', line: 3, arxivId: '2403.17887', summary: PROSE }),
        review({ source: 'a.md', line: 9, arxivId: '2401.00001', summary: PROSE }),
      ]
      const files = filesFor(reviews)
      expect(groupKeys(reviews, files)).toEqual([['a.md:3'], ['a.md:9']])
      expect(messagesOf(files)).toEqual([])
    })

    it('still drops the repeat when no file is known for its source (no message then)', () => {
      const reviews = [
        review({ source: 'a.md', line: 3, arxivId: '2403.17887', summary: PROSE }),
        review({ source: 'a.md', line: 9, arxivId: '2403.17887', summary: `${PROSE} and more` }),
      ]
      expect(groupKeys(reviews, new Map())).toEqual([['a.md:9']])
    })

    // Regression: the warning once named an intermediate copy that was dropped later.
    it('names the copy that is finally kept when a post appears three times', () => {
      const reviews = [
        review({ source: 'a.md', line: 10, arxivId: '2403.17887', summary: PROSE }),
        review({ source: 'a.md', line: 20, arxivId: '2403.17887', summary: `${PROSE} and more` }),
        review({ source: 'a.md', line: 30, arxivId: '2403.17887', summary: `${PROSE} and more and even more` }),
      ]
      const files = filesFor(reviews)
      expect(groupKeys(reviews, files)).toEqual([['a.md:30']])
      expect(messagesOf(files).map((m) => [m.line, m.reason])).toEqual([
        [10, 'This review repeats the one at line 30 (same paper, near-identical text); only the fuller copy at line 30 is kept'],
        [20, 'This review repeats the one at line 30 (same paper, near-identical text); only the fuller copy at line 30 is kept'],
      ])
    })
  })
})

// ---------------------------------------------------------------------------
// buildCatalog
// ---------------------------------------------------------------------------

describe('buildCatalog', () => {
  it('turns reviews of one arXiv paper from several sources into one paper with the canonical abs URL', () => {
    const { papers } = catalog([
      review({ source: 'b.md', line: 12, date: '2025-02-03', title: 'Chunk-Distilled Language Modeling', arxivId: '2501.00343', arxivVersion: 'v2', url: 'https://arxiv.org/pdf/2501.00343v2' }),
      review({ source: 'a.md', line: 4, date: '2025-02-01', title: 'Chunk Distilled Language Modeling (CD-LM)', arxivId: '2501.00343', url: 'https://arxiv.org/abs/2501.00343' }),
    ])
    expect(papers).toHaveLength(1)
    const [paper] = papers
    expect(paper).toMatchObject({
      id: '2501.00343',
      // The first stated title, in review order (oldest first), not input order.
      title: 'Chunk Distilled Language Modeling (CD-LM)',
      arxivId: '2501.00343',
      url: 'https://arxiv.org/abs/2501.00343',
      links: [],
      tags: [],
    })
    expect(paper!.reviews.map((r) => `${r.source}:${r.line}`)).toEqual(['a.md:4', 'b.md:12'])
  })

  it('uses the oldest review’s link as written for a paper outside arXiv', () => {
    const { papers } = catalog([
      review({ source: 'b.md', line: 1, date: '2025-03-01', title: 'A Blog Post', url: 'http://example.com/post' }),
      review({ source: 'a.md', line: 1, date: '2025-01-01', title: 'A Blog Post', url: 'https://www.example.com/post/' }),
    ])
    expect(papers.map((p) => [p.id, p.arxivId, p.url, p.reviews.length])).toEqual([['a-blog-post', null, 'https://www.example.com/post/', 2]])
  })

  it('sorts a paper’s reviews oldest first, same-day reviews by source then line, undated last', () => {
    const { papers } = catalog([
      review({ source: 'a.md', line: 30, date: null, arxivId: '2405.05417', summary: 'Undated thoughts on the paper number one.' }),
      review({ source: 'b.md', line: 7, date: '2025-02-01', arxivId: '2405.05417', summary: 'Second review of the paper, in February.' }),
      review({ source: 'a.md', line: 90, date: '2025-02-01', arxivId: '2405.05417', summary: 'Another February review, same day, later line.' }),
      review({ source: 'a.md', line: 12, date: '2025-02-01', arxivId: '2405.05417', summary: 'A February review, same day, earlier line.' }),
      review({ source: 'c.md', line: 1, date: '2024-12-31', arxivId: '2405.05417', summary: 'The very first review, on new year’s eve.' }),
      review({ source: 'b.md', line: 2, date: null, arxivId: '2405.05417', summary: 'Another review without any date at all here.' }),
    ])
    expect(papers[0]!.reviews.map((r) => `${r.date ?? 'undated'} ${r.source}:${r.line}`)).toEqual([
      '2024-12-31 c.md:1',
      '2025-02-01 a.md:12',
      '2025-02-01 a.md:90',
      '2025-02-01 b.md:7',
      'undated a.md:30',
      'undated b.md:2',
    ])
  })

  it('collects further links of all reviews once, in review order, without the paper link', () => {
    const { papers } = catalog([
      review({ source: 'a.md', line: 9, date: '2025-02-01', arxivId: '2405.05417', links: ['https://github.com/x/y', 'https://arxiv.org/abs/2405.05417'] }),
      review({ source: 'a.md', line: 1, date: '2025-01-01', arxivId: '2405.05417', links: ['https://news.ycombinator.com/item?id=1', 'https://github.com/x/y'] }),
    ])
    expect(papers[0]!.links).toEqual(['https://news.ycombinator.com/item?id=1', 'https://github.com/x/y'])
  })

  it('drops a repeated post before building the paper and reports it on the source file', () => {
    const { papers, files } = catalog([
      review({ source: 'daily.txt', line: 174, arxivId: '2403.17887', summary: PROSE }),
      review({ source: 'daily.txt', line: 196, arxivId: '2403.17887', summary: `${PROSE}, with a closing note on cost.` }),
      review({ source: 'weekly.txt', line: 3, arxivId: '2403.17887', summary: PROSE }),
    ])
    expect(papers[0]!.reviews.map((r) => `${r.source}:${r.line}`)).toEqual(['daily.txt:196', 'weekly.txt:3'])
    expect(messagesOf(files).map((m) => `${m.file}:${m.line} ${m.ruleId}`)).toEqual(['daily.txt:174 duplicate-review'])
  })

  describe('fallback titles', () => {
    it('titles an untitled arXiv paper "arXiv:<id>"', () => {
      const { papers } = catalog([review({ source: 'a.md', line: 1, arxivId: '2405.05417', url: 'https://arxiv.org/abs/2405.05417' })])
      expect(papers.map((p) => [p.id, p.title])).toEqual([['2405.05417', 'arXiv:2405.05417']])
    })

    it('gives an old-style arXiv id a slash-free id and keeps the slash in title and URL', () => {
      const { papers } = catalog([review({ source: 'a.md', line: 1, arxivId: 'math/0406077' })])
      expect(papers.map((p) => [p.id, p.title, p.url])).toEqual([['math-0406077', 'arXiv:math/0406077', 'https://arxiv.org/abs/math/0406077']])
    })

    it('titles an untitled linked paper with its URL minus scheme, www., query and fragment', () => {
      const { papers } = catalog([review({ source: 'a.md', line: 1, url: 'https://www.example.com/blog/post?ref=rss#top' })])
      expect(papers.map((p) => [p.id, p.title])).toEqual([['example-com-blog-post', 'example.com/blog/post']])
    })

    it('titles a review with neither title nor link by its first sentence, without Markdown marks', () => {
      const { papers } = catalog([review({ source: 'a.md', line: 1, summary: '**Great** paper on `scaling` laws! It shows _more_ compute helps.' })])
      expect(papers.map((p) => [p.id, p.title])).toEqual([['great-paper-on-scaling-laws', 'Great paper on scaling laws!']])
    })

    it('falls back to "Untitled review (source, line N)" when the first sentence is too long', () => {
      const summary = `${'word '.repeat(30).trim()}.`
      const { papers } = catalog([review({ source: 'notes/a.md', line: 7, summary })])
      expect(papers.map((p) => [p.id, p.title])).toEqual([['untitled-review-notes-a-md-line-7', 'Untitled review (notes/a.md, line 7)']])
    })

    it('prefers any stated title over a fallback, even from a later review', () => {
      const { papers } = catalog([
        review({ source: 'a.md', line: 1, date: '2025-01-01', arxivId: '2405.05417' }),
        review({ source: 'b.md', line: 1, date: '2025-02-01', arxivId: '2405.05417', title: 'xLSTM: Extended Long Short-Term Memory' }),
      ])
      expect(papers.map((p) => p.title)).toEqual(['xLSTM: Extended Long Short-Term Memory'])
    })
  })

  describe('ids', () => {
    it('uses title slugs for papers outside arXiv, numbering a collision -2 in order of first review', () => {
      const { papers } = catalog([
        review({ source: 'b.md', line: 1, date: '2025-01-01', title: 'Machine Super Intelligence', url: 'https://example.org/thesis-v2' }),
        review({ source: 'a.md', line: 1, date: '2024-01-01', title: 'Machine Super Intelligence', url: 'https://example.org/thesis' }),
        review({ source: 'c.md', line: 1, date: '2023-01-01', title: 'Machine Super Intelligence', url: 'https://example.org/thesis-v0' }),
      ])
      expect(papers.map((p) => [p.id, p.url])).toEqual([
        ['machine-super-intelligence-3', 'https://example.org/thesis-v2'],
        ['machine-super-intelligence-2', 'https://example.org/thesis'],
        ['machine-super-intelligence', 'https://example.org/thesis-v0'],
      ])
    })

    it('never lets a title slug take an arXiv paper’s id', () => {
      const { papers } = catalog([
        review({ source: 'a.md', line: 1, date: '2025-01-01', title: 'Math 0406077', url: 'https://example.org/x' }),
        review({ source: 'a.md', line: 5, date: '2024-01-01', title: 'Old Paper', arxivId: 'math/0406077' }),
      ])
      expect(papers.map((p) => p.id)).toEqual(['math-0406077-2', 'math-0406077'])
    })

    it('gives ids that are unique and independent of input order', () => {
      const reviews = [
        review({ source: 'a.md', line: 1, date: '2025-01-05', title: 'Same Title', url: 'https://one.example/' }),
        review({ source: 'a.md', line: 9, date: '2025-01-05', title: 'Same Title', url: 'https://two.example/' }),
        review({ source: 'b.md', line: 3, date: null, title: 'Same Title', url: 'https://three.example/' }),
      ]
      const forward = catalog(reviews).papers.map((p) => [p.id, p.url])
      const backward = catalog([...reviews].reverse()).papers.map((p) => [p.id, p.url])
      expect(forward).toEqual([
        ['same-title', 'https://one.example/'],
        ['same-title-2', 'https://two.example/'],
        ['same-title-3', 'https://three.example/'],
      ])
      expect(backward).toEqual(forward)
    })
  })

  it('sorts papers by latest review date first, ties by id, papers without any date last', () => {
    const { papers } = catalog([
      review({ source: 'a.md', line: 1, date: null, title: 'Undated Zeta' }),
      review({ source: 'a.md', line: 2, date: '2024-06-01', arxivId: '2406.00001' }),
      review({ source: 'a.md', line: 3, date: '2025-03-01', arxivId: '2406.00001' }),
      review({ source: 'a.md', line: 4, date: '2025-03-01', title: 'Beta Paper', url: 'https://example.org/beta' }),
      review({ source: 'a.md', line: 5, date: '2025-01-01', arxivId: '2501.00002' }),
      review({ source: 'a.md', line: 6, date: null, arxivId: '2501.00002' }),
      review({ source: 'a.md', line: 7, date: null, title: 'Undated Alpha' }),
      review({ source: 'a.md', line: 8, date: '2025-04-01', title: 'Newest' }),
    ])
    expect(papers.map((p) => p.id)).toEqual(['newest', '2406.00001', 'beta-paper', '2501.00002', 'undated-alpha', 'undated-zeta'])
  })

  describe('tag overrides', () => {
    const agents: Topic = {
      slug: 'agents',
      name: 'Agents',
      description: 'LLM agents.',
      rules: { title: [], summary: [], exclude: [] },
      weight: 1,
    }

    it('applies a known topic from a review’s override and warns at the review line about an unknown one', () => {
      const { papers, files } = catalog(
        [review({ source: 'a.md', line: 14, arxivId: '2405.05417', tagOverride: { add: ['agents', 'robots'], remove: [] } })],
        { topics: [agents] },
      )
      expect(papers[0]!.tags).toEqual(['agents'])
      expect(messagesOf(files)).toEqual([
        { file: 'a.md', line: 14, ruleId: 'unknown-topic', fatal: false, reason: 'Tag override names "robots", which is not a topic' },
      ])
    })
  })

  it('returns no papers for no reviews', () => {
    expect(buildCatalog([], NO_TOPICS)).toEqual([])
    expect(buildCatalog([{ file: new VFile({ path: 'empty.md' }), reviews: [] }], NO_TOPICS)).toEqual([])
  })
})

describe('buildCatalog with a tag cache', () => {
  it('tags each paper once and reuses the tags while the paper and taxonomy are unchanged', async () => {
    const { buildCatalog } = await import('../../src/catalog/index.ts')
    const { parseTaxonomy } = await import('../../src/catalog/topics.ts')
    const { readFileSync } = await import('node:fs')
    const { VFile } = await import('vfile')
    const taxonomy = parseTaxonomy(readFileSync(new URL('../../content/topics.yaml', import.meta.url), 'utf8'), new VFile())
    const review = {
      source: 'a.md', line: 1, date: '2025-01-01', reviewers: ['Mike'], summary: 'A diffusion model review about denoising diffusion.', title: 'Denoising Diffusion Probabilistic Models',
      headline: null, url: 'https://arxiv.org/abs/2006.11239', arxivId: '2006.11239', arxivVersion: null, links: [], tagOverride: null,
    }
    const stored = new Map<string, string[]>()
    let sets = 0
    const cache = { fingerprint: 'taxonomy-v1', get: (key: string) => stored.get(key), set: (key: string, tags: string[]) => (sets++, stored.set(key, tags)), keep: () => {} }
    const source = { file: new VFile({ path: 'a.md' }), reviews: [review] }
    const first = buildCatalog([source], taxonomy, cache)
    expect(first[0]!.tags).toContain('diffusion')
    expect(sets).toBe(1)
    expect(buildCatalog([source], taxonomy, cache)[0]!.tags).toEqual(first[0]!.tags)
    expect(sets).toBe(1)
    // Another taxonomy fingerprint, or another text, is another key.
    buildCatalog([source], taxonomy, { ...cache, fingerprint: 'taxonomy-v2' })
    buildCatalog([{ ...source, reviews: [{ ...review, summary: `${review.summary} More.` }] }], taxonomy, cache)
    expect(sets).toBe(3)
  })
})

describe('buildCatalog with a paper memory (digest dev)', () => {
  const review = (line: number, arxivId: string, title: string) => ({
    source: 'a.md', line, date: '2025-01-01', reviewers: ['Mike'], summary: `A review of ${title}.`, title,
    headline: null, url: `https://arxiv.org/abs/${arxivId}`, arxivId, arxivVersion: null, links: [], tagOverride: null,
  })
  const one = review(1, '2006.11239', 'Denoising Diffusion Probabilistic Models')
  const two = review(5, '1706.03762', 'Attention Is All You Need')

  it('takes an unchanged paper over without looking its tags up, and counts its tag cache entry as used; a changed taxonomy tags again', async () => {
    const { buildCatalog } = await import('../../src/catalog/index.ts')
    const { VFile } = await import('vfile')
    const stored = new Map<string, string[]>()
    const calls = { get: 0, keep: [] as string[] }
    const cache = (fingerprint: string) => ({ fingerprint, get: (key: string) => (calls.get++, stored.get(key)), set: (key: string, tags: string[]) => void stored.set(key, tags), keep: (key: string) => void calls.keep.push(key) })
    const memory = new Map()
    const file = new VFile({ path: 'a.md' })
    const first = buildCatalog([{ file, reviews: [one, two] }], NO_TOPICS, cache('v1'), memory)
    expect(calls).toEqual({ get: 2, keep: [] })
    const edited = { ...two, summary: `${two.summary} More.` }
    const second = buildCatalog([{ file, reviews: [one, edited] }], NO_TOPICS, cache('v1'), memory)
    const unchanged = second.find((paper) => paper.arxivId === one.arxivId)!
    expect(unchanged).toBe(first.find((paper) => paper.arxivId === one.arxivId))
    // Only the edited paper was looked up; the other one's entry is kept all the same.
    expect(calls.get).toBe(3)
    expect(calls.keep).toHaveLength(1)
    expect(stored.has(calls.keep[0]!)).toBe(true)
    // Another taxonomy: every paper is tagged (looked up) again.
    buildCatalog([{ file, reviews: [one, edited] }], NO_TOPICS, cache('v2'), memory)
    expect(calls.get).toBe(5)
    expect(calls.keep).toHaveLength(1)
  })

  it('gives the previous build\'s paper object for a paper made from the same records, and a new one when anything changed', async () => {
    const { buildCatalog } = await import('../../src/catalog/index.ts')
    const { VFile } = await import('vfile')
    const memory = new Map()
    const first = buildCatalog([{ file: new VFile({ path: 'a.md' }), reviews: [one, two] }], NO_TOPICS, null, memory)
    expect(memory.size).toBe(2)
    const again = buildCatalog([{ file: new VFile({ path: 'a.md' }), reviews: [one, two] }], NO_TOPICS, null, memory)
    expect(again).toEqual(first)
    expect(again[0]).toBe(first[0])
    expect(again[1]).toBe(first[1])
    // An equal but new record is not the same record: its paper is new, the other paper is kept.
    const edited = { ...two, summary: `${two.summary} More.` }
    const third = buildCatalog([{ file: new VFile({ path: 'a.md' }), reviews: [one, edited] }], NO_TOPICS, null, memory)
    expect(third.find((paper) => paper.id === '2006.11239')).toBe(first.find((paper) => paper.id === '2006.11239'))
    expect(third.find((paper) => paper.id === '1706.03762')).not.toBe(first.find((paper) => paper.id === '1706.03762'))
    expect(third.find((paper) => paper.id === '1706.03762')!.reviews[0]).toBe(edited)
    // Papers no longer built are forgotten.
    buildCatalog([{ file: new VFile({ path: 'a.md' }), reviews: [one] }], NO_TOPICS, null, memory)
    expect([...memory.keys()]).toEqual(['2006.11239'])
  })
})

describe('startCatalog (a build renders summaries while papers are tagged)', () => {
  it('lists the reviews its papers hold before tagging, repeated posts dropped, then gives the papers and messages buildCatalog gives', async () => {
    const { startCatalog } = await import('../../src/catalog/index.ts')
    const { parseTaxonomy } = await import('../../src/catalog/topics.ts')
    const { readFileSync } = await import('node:fs')
    const taxonomy = parseTaxonomy(readFileSync(new URL('../../content/topics.yaml', import.meta.url), 'utf8'), new VFile())
    const reviews = [
      review({ source: 'a.md', line: 1, arxivId: '2006.11239', title: 'Denoising Diffusion Probabilistic Models', summary: 'A review about denoising diffusion models and their sampling.' }),
      // The same post again in the same file: dropped.
      review({ source: 'a.md', line: 3, arxivId: '2006.11239', title: 'Denoising Diffusion Probabilistic Models', summary: 'A review about denoising diffusion models and their sampling.' }),
      review({ source: 'b.md', line: 9, arxivId: '1706.03762', title: 'Attention Is All You Need', summary: 'Transformers: attention replaces recurrence.', tagOverride: { add: ['robots'], remove: [] } }),
    ]
    const sourcesOf = () => {
      const files = filesFor(reviews)
      return { files, sources: [...files.values()].map((file) => ({ file, reviews: reviews.filter((r) => r.source === file.path) })) }
    }
    const expected = sourcesOf()
    const papers = buildCatalog(expected.sources, taxonomy)

    const started = sourcesOf()
    const run = startCatalog(started.sources, taxonomy)
    expect(run.reviews.map((r) => `${r.source}:${r.line}`).sort()).toEqual(['a.md:1', 'b.md:9'])
    expect(run.reviews.every((r) => reviews.includes(r))).toBe(true)
    expect(await run.finish()).toEqual(papers)
    expect(messagesOf(started.files)).toEqual(messagesOf(expected.files))
    expect(messagesOf(started.files).map((m) => m.ruleId)).toContain('unknown-topic')
  })

  it('lets the event loop run while it tags a large catalog', async () => {
    const { startCatalog } = await import('../../src/catalog/index.ts')
    const { parseTaxonomy } = await import('../../src/catalog/topics.ts')
    const { readFileSync } = await import('node:fs')
    const taxonomy = parseTaxonomy(readFileSync(new URL('../../content/topics.yaml', import.meta.url), 'utf8'), new VFile())
    const body = readFileSync(new URL('../../content/mikes-daily-paper.txt', import.meta.url), 'utf8').slice(0, 20_000)
    const many = Array.from({ length: 400 }, (_, index) => review({ source: 'a.md', line: index + 1, arxivId: `2401.${String(10000 + index)}`, title: `Paper ${index}`, summary: `${index} ${body}` }))
    const file = new VFile({ path: 'a.md' })
    const run = startCatalog([{ file, reviews: many }], taxonomy)
    let turns = 0
    const counting = setInterval(() => turns++, 0)
    const started = performance.now()
    const papers = await run.finish()
    clearInterval(counting)
    expect(papers).toHaveLength(400)
    // Tagging 400 long summaries takes far longer than one slice of the loop, and the loop ran in between.
    expect(performance.now() - started).toBeGreaterThan(50)
    expect(turns).toBeGreaterThan(1)
  })
})
