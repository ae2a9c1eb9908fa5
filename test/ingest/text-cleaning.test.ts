import { describe, expect, it } from 'vitest'
import { repairMojibake } from '../../src/ingest/mojibake.ts'
import { isChatbotRemark } from '../../src/ingest/chatbot-remarks.ts'
import { findLinks, readLinkLine } from '../../src/ingest/links.ts'
import { cleanTitle, normalizeTitle } from '../../src/ingest/titles.ts'

describe('repairMojibake', () => {
  it('repairs UTF-8 read as Windows-1252', () => {
    expect(repairMojibake('ðŸ”— <a href="x">link</a>')).toEqual({ text: '🔗 <a href="x">link</a>', repairs: 1 })
    expect(repairMojibake('OpenAIâ€™s cafÃ©')).toEqual({ text: 'OpenAI’s café', repairs: 2 })
  })

  it('leaves correct text alone', () => {
    for (const text of ['OpenAI’s café naïve — 🚀 ⚡️', 'Kolmogorov–Arnold', 'Ångström', 'ÀÉÎ']) {
      expect(repairMojibake(text)).toEqual({ text, repairs: 0 })
    }
  })
})

describe('isChatbotRemark', () => {
  it.each([
    'Here is the English translation:',
    "Here's the translated version of the review:",
    'Certainly — here is a stylistically refined version of your translated article, preserving the original meaning:',
    'Sure, here is the summary rewritten:',
    '[Rest of the technical algorithm details are accurately translated in your previous request]',
  ])('spots %j', (line) => expect(isChatbotRemark(line)).toBe(true))

  it.each([
    "Here's the intuition:",
    'Here is what the paper shows about translation invariance in CNNs, which matters.',
    'The authors translate the problem into a PDE.',
    '- "Translation" mappings:',
  ])('keeps %j', (line) => expect(isChatbotRemark(line)).toBe(false))
})

describe('links', () => {
  it('finds autolinks, Markdown links, placeholders and bare URLs', () => {
    expect(findLinks('Paper Link: [arXiv:2411.02830](https://arxiv.org/abs/2411.02830)').map((link) => link.url)).toEqual(['https://arxiv.org/abs/2411.02830'])
    expect(findLinks('<https://arxiv.org/abs/2410.0819>.').map((link) => link.url)).toEqual(['https://arxiv.org/abs/2410.0819'])
    expect(findLinks('[Paper link](#)').map((link) => link.url)).toEqual(['#'])
    expect(findLinks('https://openreview.net/forum?id=zVMMaVy2BY.').map((link) => link.url)).toEqual(['https://openreview.net/forum?id=zVMMaVy2BY'])
  })

  it('reads link lines with a short label, not sentences that mention a link', () => {
    expect(readLinkLine('Read the full paper: <https://arxiv.org/pdf/2503.01776>')).toMatchObject({ link: { url: 'https://arxiv.org/pdf/2503.01776' }, remark: null })
    expect(readLinkLine('Really interesting paper...<https://arxiv.org/abs/2412.00154>')).toMatchObject({ remark: 'Really interesting paper...' })
    expect(readLinkLine('[Read the full paper here →](#)')).toMatchObject({ link: { url: '#' } })
    expect(readLinkLine('Explore [their code](#), it holds significant promise for enabling reasoning within your specific domain with minimal investment.')).toBeNull()
    expect(readLinkLine('[Found on twitter](https://twitter.com/ibab_ml/status/1669579636563656705)')).toBeNull()
  })
})

describe('titles', () => {
  it('strips bold, emoji and trailing colons', () => {
    expect(cleanTitle('⚡️Rocket The Illusion of State in State-Space Models')).toBe('The Illusion of State in State-Space Models')
    expect(cleanTitle('⚡️🚀 Fishing for Magikarp:')).toBe('Fishing for Magikarp')
    expect(cleanTitle('**A Survey on Diffusion Models for Inverse Problems**')).toBe('A Survey on Diffusion Models for Inverse Problems')
  })

  it('folds titles for comparison', () => {
    expect(normalizeTitle('Open Problems in Mechanistic Interpretability')).toBe(normalizeTitle('OPEN PROBLEMS IN MECHANISTIC INTERPRETABILITY!'))
    expect(normalizeTitle('Kolmogorov–Arnold')).toBe('kolmogorov arnold')
  })
})
