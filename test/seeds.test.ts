/**
 * Acceptance over the real newsletters in content/: every review appears exactly
 * once with the right title, arXiv id, date and reviewers, and nothing that is
 * not a review appears.
 */
import { fileContents } from '../src/output/write-site.ts'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from '../src/build.ts'
import { resolveConfig } from '../src/config.ts'
import type { Paper, Review } from '../src/model.ts'

const ROOT = path.resolve(import.meta.dirname, '..')
const result = await build(resolveConfig({}, ROOT), { write: false })
const papers = result.papers
const reviews: Array<Review & { paper: Paper }> = papers
  .flatMap((paper) => paper.reviews.map((review) => ({ ...review, paper })))
  .sort((a, b) => a.source.localeCompare(b.source) || a.line - b.line)
const json = String(fileContents(result.site.get('papers.json')!))

function paper(id: string): Paper {
  const found = papers.find((candidate) => candidate.id === id)
  if (!found) throw new Error(`no paper ${id}`)
  return found
}

function reviewAt(source: string, line: number): Review & { paper: Paper } {
  const found = reviews.find((review) => review.source === source && review.line === line)
  if (!found) throw new Error(`no review at ${source}:${line}`)
  return found
}

const DAILY = 'mikes-daily-paper.txt'
const MONTHLY = 'tunadorable-monthly-2025-02.md'
const HTML = 'vinod-weekly-top-papers-2025-03-25.txt'
const NOTES = 'paper-link-notes.md'

describe('the seed newsletters', () => {
  it('yields every review once: 149 headed + 2 headerless daily reviews (one posted twice), 51 monthly, 3 weekly, 9 notes', () => {
    const count = (source: string) => reviews.filter((review) => review.source === source).length
    expect(count(DAILY)).toBe(150)
    expect(count(MONTHLY)).toBe(51)
    expect(count(HTML)).toBe(3)
    expect(count(NOTES)).toBe(9)
    const places = reviews.map((review) => `${review.source}:${review.line}`)
    expect(new Set(places).size).toBe(places.length)
  })

  it('gives every paper a unique id and a non-empty title', () => {
    expect(new Set(papers.map((candidate) => candidate.id)).size).toBe(papers.length)
    for (const candidate of papers) {
      expect(candidate.title.trim()).not.toBe('')
      expect(candidate.id).toMatch(/^[a-z0-9][a-z0-9.-]*$/)
    }
  })

  it('reads the daily header variants', () => {
    expect(reviewAt(DAILY, 13)).toMatchObject({ date: '2024-11-22', title: 'The Unreasonable Ineffectiveness of the Deeper Layers', arxivId: '2403.17887' })
    expect(reviewAt(DAILY, 79)).toMatchObject({ date: '2024-11-27', title: 'The Illusion of State in State-Space Models' })
    expect(reviewAt(DAILY, 117)).toMatchObject({ date: '2024-11-28', title: 'Parameter-Efficient Fine-Tuning with Discrete Fourier Transform' })
    expect(reviewAt(DAILY, 249)).toMatchObject({ date: '2024-12-04', title: 'KAN: Kolmogorov–Arnold Networks', url: null })
    expect(reviewAt(DAILY, 830)).toMatchObject({ date: '2024-12-30', title: 'Graph Diffusion Policy Optimization', arxivId: '2402.16302' })
    expect(reviewAt(DAILY, 896).title).toBe('A PERCOLATION MODEL OF EMERGENCE: ANALYZING TRANSFORMERS TRAINED ON A FORMAL LANGUAGE')
    expect(reviewAt(DAILY, 1013).title).toBe('Anchored Preference Optimization and Contrastive Revisions Addressing Underspecification in Alignment')
    expect(reviewAt(DAILY, 1143)).toMatchObject({ date: '2025-01-10', arxivId: '2402.12875' })
    expect(reviewAt(DAILY, 3704)).toMatchObject({ date: '2025-04-30', title: 'THE COMPLEXITY DYNAMICS OF GROKKING', arxivId: '2412.09810' })
    expect(reviewAt(DAILY, 3876)).toMatchObject({ date: '2025-05-17', arxivId: '2505.04588' })
    expect(reviewAt(DAILY, 3383)).toMatchObject({ date: '2025-04-07', title: 'JETFORMER: An Autoregressive Generative Model of Raw Images and Text' })
    expect(reviewAt(DAILY, 5731)).toMatchObject({ date: '2025-09-05', title: 'Group Sequence Policy Optimization', arxivId: '2507.18071' })
  })

  it('finds co-reviewers in headers and in the body', () => {
    expect(reviewAt(DAILY, 1364)).toMatchObject({ reviewers: ['Orel', 'Mike'], arxivId: '1803.03635', title: 'The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks' })
    expect(reviewAt(DAILY, 4069).reviewers).toEqual(['Yaniv', 'Mike'])
    expect(reviewAt(DAILY, 4358).reviewers).toEqual(['Aviv', 'Mike'])
    expect(reviewAt(DAILY, 4539).reviewers).toEqual(['Omri', 'Mike'])
    expect(reviewAt(DAILY, 4589).reviewers).toEqual(['Teddy', 'Mike'])
    expect(reviewAt(DAILY, 5323).reviewers).toEqual(['Omri', 'Mike'])
    expect(reviewAt(DAILY, 5440).reviewers).toEqual(['Eden', 'Mike'])
    expect(reviewAt(DAILY, 13).reviewers).toEqual(['Mike'])
  })

  it('keeps reviews that start without a header, with the previous date', () => {
    expect(reviewAt(DAILY, 1165)).toMatchObject({ date: '2025-01-10', arxivId: '2406.12839', reviewers: ['Mike'], title: null })
    expect(reviewAt(DAILY, 2951)).toMatchObject({ date: '2025-03-11', arxivId: '2408.01367', reviewers: ['Mike'] })
    expect(paper('2406.12839').title).toBe('arXiv:2406.12839')
  })

  it('corrects the out-of-sequence year through the front matter override', () => {
    expect(reviewAt(DAILY, 4539)).toMatchObject({ date: '2025-06-27', arxivId: '2410.10934', title: 'Agent-as-a-Judge: Evaluate Agents with Agents' })
  })

  it('attaches headline lines to the review after them', () => {
    expect(reviewAt(DAILY, 5237).headline).toBe("We've Been Aligning AI All Wrong. The Solution is Deceptively Simple")
    // A chatbot remark before a header is dropped, not taken for a headline.
    expect(reviewAt(DAILY, 5214).headline).toBeNull()
  })

  it('keeps one copy of the review posted twice, the fuller one', () => {
    const magikarp = paper('2405.05417')
    expect(magikarp.reviews).toHaveLength(1)
    expect(magikarp.reviews[0]).toMatchObject({ line: 196, date: '2024-11-30' })
    expect(magikarp.title).toBe('Fishing for Magikarp: Automatically detecting under-trained tokens in large language models')
  })

  it('merges reviews of one paper across newsletters, oldest first', () => {
    const openProblems = paper('2501.16496')
    expect(openProblems.reviews.map((review) => [review.source, review.date])).toEqual([
      [MONTHLY, '2025-02-01'],
      [DAILY, '2025-06-25'],
    ])
  })

  it('keeps entries with no link or a placeholder link, without a URL', () => {
    expect(reviewAt(DAILY, 32)).toMatchObject({ url: null, arxivId: null, title: expect.stringMatching(/^Table Meets LLM/) })
    expect(reviewAt(DAILY, 2726)).toMatchObject({ url: null, title: 'An Empirical Model of Large-Batch Training' })
  })

  it('keeps malformed arXiv links as written, without an id', () => {
    expect(reviewAt(DAILY, 4716)).toMatchObject({ url: 'https://arxiv.org/pdf/2412.0498', arxivId: null })
  })

  it('treats non-arXiv links as papers', () => {
    expect(reviewAt(DAILY, 880).url).toBe('https://doi.org/10.1038/s41586-024-07711-7')
    expect(reviewAt(MONTHLY, 38)).toMatchObject({ url: 'https://www.vetta.org/documents/Machine_Super_Intelligence.pdf', title: 'Machine Super Intelligence' })
    expect(reviewAt(MONTHLY, 73)).toMatchObject({ arxivId: 'math/0406077' })
    expect(paper('math-0406077').url).toBe('https://arxiv.org/abs/math/0406077')
    expect(reviewAt(MONTHLY, 170)).toMatchObject({ arxivId: '2501.10322', arxivVersion: 'v2' })
  })

  it('reads the monthly digest without its intro and outro', () => {
    expect(reviewAt(MONTHLY, 11)).toMatchObject({ date: '2025-02-01', reviewers: ['Tunadorable'], title: 'Chunk-Distilled Language Modeling', arxivId: '2501.00343' })
    expect(json).not.toContain('Thanks for reading')
    expect(json).not.toContain('Welcome to Tunadorable')
    expect(json).not.toContain('arxiv-summaries-workflow')
  })

  it('reads the HTML sections with their reviewer and image-stamped date, without mojibake', () => {
    expect(reviews.filter((review) => review.source === HTML).map((review) => [review.title, review.arxivId, review.date, review.reviewers])).toEqual([
      ['Transformers without Normalization', '2503.10622', '2025-03-25', ['Vinod']],
      ['Block Diffusion: Interpolating Between Autoregressive and Diffusion Language Models', '2503.09573', '2025-03-25', ['Vinod']],
      ['Compute Optimal Scaling of Skills: Knowledge vs Reasoning', '2503.10061', '2025-03-25', ['Vinod']],
    ])
    expect(json).not.toMatch(/ðŸ|â€/)
  })

  it('reads link notes: headings are papers, links inside notes are not', () => {
    const notes = reviews.filter((review) => review.source === NOTES)
    expect(notes.map((review) => review.title)).toEqual([
      'Algorithmic progress in computer vision',
      'Deep Neural Nets: 33 years ago and 33 years from now',
      'Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift',
      'Scaling Scaling Laws with Board Games',
      'MatMul-Free LM',
      'Mamba: Linear-Time Sequence Modeling with Selective State Spaces',
      'xLSTM: Extended Long Short-Term Memory',
      'Were RNNs All We Needed?',
      'SageAttention2',
    ])
    expect(papers.some((candidate) => /twitter\.com|x\.com|youtube\.com|github\.com\/[^/]+\/[^/]+$/.test(candidate.url ?? ''))).toBe(false)
    expect(reviewAt(NOTES, 75).summary.endsWith('- Surpasses FlashAttention2')).toBe(true)
  })

  it('lets no stray chatbot text or header reach a review', () => {
    for (const review of reviews) {
      expect(review.summary).not.toMatch(/Here is the English translation|Certainly — here is|previous request\]/)
      expect(review.title ?? '').not.toMatch(/\*\*|Daily Paper|⚡|🚀|Rocket/)
    }
  })

  it('tags every paper with at most five topics, and most with at least one', () => {
    for (const candidate of papers) expect(candidate.tags.length).toBeLessThanOrEqual(5)
    const untagged = papers.filter((candidate) => candidate.tags.length === 0)
    expect(untagged.length / papers.length).toBeLessThan(0.05)
  })

  it('reports problems with file and line: the known doubtful entries', () => {
    const daily = result.files.find((file) => file.path === DAILY)!
    const rules = (ruleId: string) => daily.messages.filter((message) => message.ruleId === ruleId).map((message) => message.line)
    expect(rules('malformed-arxiv-id')).toEqual([4751, 4810])
    expect(rules('duplicate-review')).toEqual([174])
    expect(rules('stray-text')).toEqual([1510, 3849, 5212])
    expect(rules('chatbot-artifact')).toEqual([191])
    expect(rules('date-out-of-sequence')).toEqual([])
    expect(rules('placeholder-link')).toHaveLength(6)
  })
})
