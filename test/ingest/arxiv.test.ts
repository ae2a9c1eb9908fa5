import { describe, expect, it } from 'vitest'
import { normalizeArxivId, parseArxivReference } from '../../src/ingest/arxiv.ts'

describe('parseArxivReference', () => {
  it.each([
    ['https://arxiv.org/abs/2405.05417', '2405.05417', null],
    ['https://arxiv.org/pdf/2403.15042.pdf', '2403.15042', null],
    ['https://arxiv.org/pdf/2406.02528', '2406.02528', null],
    ['http://arxiv.org/abs/2508.16153', '2508.16153', null],
    ['https://www.arxiv.org/abs/2501.12948', '2501.12948', null],
    ['https://export.arxiv.org/abs/2501.12948v3', '2501.12948', 'v3'],
    ['https://arxiv.org/abs/2501.10322v2', '2501.10322', 'v2'],
    ['https://arxiv.org/pdf/2501.10322v2.pdf', '2501.10322', 'v2'],
    ['https://arxiv.org/abs/2405.05417/', '2405.05417', null],
    ['https://arxiv.org/html/2405.05417v1', '2405.05417', 'v1'],
    ['arXiv:2411.02830', '2411.02830', null],
    ['arxiv: 2411.02830v1', '2411.02830', 'v1'],
    ['2405.05417', '2405.05417', null],
    ['https://arxiv.org/abs/1406.2661', '1406.2661', null],
    ['https://arxiv.org/abs/math/0406077', 'math/0406077', null],
    ['https://arxiv.org/abs/hep-th/9901001', 'hep-th/9901001', null],
    ['https://arxiv.org/abs/math.CA/0611800', 'math/0611800', null],
    ['https://arxiv.org/abs/hep-th/9901001v2', 'hep-th/9901001', 'v2'],
  ])('reads %s as %s', (text, id, version) => {
    expect(parseArxivReference(text)).toEqual({ ok: true, id, version })
  })

  it.each([
    'https://openreview.net/forum?id=zVMMaVy2BY',
    'https://doi.org/10.1038/s41586-024-07711-7',
    'https://github.com/ruixin31/Rethink_RLVR/blob/main/paper/rethink-rlvr.pdf',
    'https://notarxiv.org/abs/2405.05417',
    'see 2405.05417 for details',
    '',
  ])('does not take %j for arXiv', (text) => {
    expect(parseArxivReference(text)).toBeNull()
  })

  it.each([
    ['https://arxiv.org/pdf/2412.0498', '2412.0498', 'ids from 2015 on have five digits after the dot, this one has 4'],
    ['https://arxiv.org/abs/2410.0819', '2410.0819', 'ids from 2015 on have five digits after the dot, this one has 4'],
    ['https://arxiv.org/abs/2413.01234', '2413.01234', 'month 13 does not exist'],
    ['https://arxiv.org/abs/2400.01234', '2400.01234', 'month 00 does not exist'],
    ['https://arxiv.org/abs/1406.26611', '1406.26611', 'ids before 2015 have four digits after the dot, this one has 5'],
    ['https://arxiv.org/abs/0612.1234', '0612.1234', 'new-style ids start in April 2007 (0704)'],
    ['https://arxiv.org/abs/foo-bar/9901001', 'foo-bar/9901001', '"foo-bar" is not an arXiv archive'],
    ['https://arxiv.org/abs/hep-th/0801001', 'hep-th/0801001', 'old-style ids run from August 1991 to March 2007'],
    ['https://arxiv.org/abs/not-an-id', 'not-an-id', 'it is neither YYMM.NNNNN nor archive/YYMMNNN'],
  ])('rejects %s with a reason', (text, written, reason) => {
    expect(parseArxivReference(text)).toEqual({ ok: false, written, reason })
  })
})

describe('normalizeArxivId', () => {
  it('keeps the version apart from the id', () => {
    expect(normalizeArxivId('2501.10322v12')).toEqual({ ok: true, id: '2501.10322', version: 'v12' })
  })

  it('accepts the first and last months of both schemes', () => {
    expect(normalizeArxivId('0704.0001')).toMatchObject({ ok: true, id: '0704.0001' })
    expect(normalizeArxivId('1412.9999')).toMatchObject({ ok: true })
    expect(normalizeArxivId('1501.00001')).toMatchObject({ ok: true })
    expect(normalizeArxivId('hep-th/9108001')).toMatchObject({ ok: true })
    expect(normalizeArxivId('math/0703001')).toMatchObject({ ok: true })
  })
})
