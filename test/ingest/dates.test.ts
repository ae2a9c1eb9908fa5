import { describe, expect, it } from 'vitest'
import { daysBetween, readDateAtStart, toIsoDay } from '../../src/ingest/dates.ts'

describe('readDateAtStart', () => {
  it.each([
    ['22.11.2024:**', '2024-11-22', '22.11.2024', 'day-first'],
    ['28.11.24: ⚡️🚀', '2024-11-28', '28.11.24', 'day-first'],
    ['10.01.25', '2025-01-10', '10.01.25', 'day-first'],
    ['05.09.25 Group Sequence Policy Optimization', '2025-09-05', '05.09.25', 'day-first'],
    ['12/30/24 Graph Diffusion Policy Optimization', '2024-12-30', '12/30/24', 'month-first'],
    ['03/04/25', '2025-04-03', '03/04/25', 'day-first'],
    ['April 30, 2025 **THE COMPLEXITY DYNAMICS OF GROKKING**', '2025-04-30', 'April 30, 2025', 'month-name'],
    ['Sept 3 2025', '2025-09-03', 'Sept 3 2025', 'month-name'],
    ['3 March 2025', '2025-03-03', '3 March 2025', 'month-name'],
    ['2025-05-17', '2025-05-17', '2025-05-17', 'iso'],
    ['2025-06-11 TRANSFORMER-SQUARED', '2025-06-11', '2025-06-11', 'iso'],
  ])('reads %j', (text, iso, written, order) => {
    expect(readDateAtStart(text)).toEqual({ iso, written, order })
  })

  it.each(['31.02.25', '13/13/25', '2025-02-30', 'Smarch 3, 2025', 'Title first 22.11.24', '', '123.11.24'])('finds no date in %j', (text) => {
    expect(readDateAtStart(text)).toBeNull()
  })

  it('knows leap days', () => {
    expect(readDateAtStart('29.02.24')?.iso).toBe('2024-02-29')
    expect(readDateAtStart('29.02.25')).toBeNull()
  })
})

describe('toIsoDay', () => {
  it('accepts YAML dates and strings', () => {
    expect(toIsoDay(new Date(Date.UTC(2025, 1, 1)))).toBe('2025-02-01')
    expect(toIsoDay('2025-02-01')).toBe('2025-02-01')
    expect(toIsoDay('soon')).toBeNull()
    expect(toIsoDay(42)).toBeNull()
  })
})

describe('daysBetween', () => {
  it('counts whole days', () => {
    expect(daysBetween('2025-06-25', '2025-06-29')).toBe(4)
    expect(daysBetween('2025-06-27', '2024-06-27')).toBe(-365)
  })
})
