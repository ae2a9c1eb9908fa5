/** The pagination window: the same numbers and gaps as looking at every page would give. */
import { describe, expect, it } from 'vitest'
import { pageWindow } from '../../src/render/pages.ts'

/** The window by looking at every page number: the definition. */
function pageWindowByScan(current: number, total: number): Array<number | null> {
  const shown: Array<number | null> = []
  for (let number = 1; number <= total; number++) {
    if (number === 1 || number === total || Math.abs(number - current) <= 2) shown.push(number)
    else if (shown[shown.length - 1] !== null) shown.push(null)
  }
  return shown
}

describe('pageWindow', () => {
  it('shows the first and last page and two either side of the current one, a gap for each run left out', () => {
    expect(pageWindow(1, 1)).toEqual([1])
    expect(pageWindow(1, 2)).toEqual([1, 2])
    expect(pageWindow(5, 10)).toEqual([1, null, 3, 4, 5, 6, 7, null, 10])
    expect(pageWindow(4, 10)).toEqual([1, 2, 3, 4, 5, 6, null, 10])
    expect(pageWindow(10, 10)).toEqual([1, null, 8, 9, 10])
  })

  it('agrees with a scan of every page for every current page of up to 40 pages, and for a long listing', () => {
    for (let total = 1; total <= 40; total++) {
      for (let current = 1; current <= total; current++) expect(pageWindow(current, total), `${current} of ${total}`).toEqual(pageWindowByScan(current, total))
    }
    for (const current of [1, 2, 3, 1666, 3332, 3333, 3334]) expect(pageWindow(current, 3334)).toEqual(pageWindowByScan(current, 3334))
  })
})
