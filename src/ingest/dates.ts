/**
 * Dates as newsletters write them: `22.11.2024`, `28.11.24`, `12/30/24`,
 * `April 30, 2025`, `2025-05-17`. Day-first is assumed for numeric dates, as the
 * seeds are European, and month-first is taken only where day-first is impossible.
 */

/** A date found at the start of a text. */
export interface WrittenDate {
  /** The date as `YYYY-MM-DD`. */
  readonly iso: string
  /** The characters that were read as the date. */
  readonly written: string
  /** How the numbers were read. */
  readonly order: 'iso' | 'day-first' | 'month-first' | 'month-name'
}

const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
]

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?!\d)/
const NUMERIC = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/
const MONTH_NAME = /^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)/
const DAY_MONTH_NAME = /^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})(?!\d)/

/** Read a date at the very start of `text`; null when there is none or it is not a real day. */
export function readDateAtStart(text: string): WrittenDate | null {
  const iso = ISO.exec(text)
  if (iso) {
    const [written, y = '', m = '', d = ''] = iso
    return make(Number(y), Number(m), Number(d), written, 'iso')
  }
  const numeric = NUMERIC.exec(text)
  if (numeric) {
    const [written, a = '', , b = '', yearText = ''] = numeric
    const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText)
    const first = Number(a)
    const second = Number(b)
    const dayFirst = make(year, second, first, written, 'day-first')
    if (dayFirst) return dayFirst
    return make(year, first, second, written, 'month-first')
  }
  const named = MONTH_NAME.exec(text)
  if (named) {
    const [written, monthText = '', d = '', y = ''] = named
    const month = monthIndex(monthText)
    if (month !== null) return make(Number(y), month, Number(d), written, 'month-name')
  }
  const dayNamed = DAY_MONTH_NAME.exec(text)
  if (dayNamed) {
    const [written, d = '', monthText = '', y = ''] = dayNamed
    const month = monthIndex(monthText)
    if (month !== null) return make(Number(y), month, Number(d), written, 'month-name')
  }
  return null
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000)
}

/** Normalise a front-matter date (YAML may give a Date object or a string) to `YYYY-MM-DD`. */
export function toIsoDay(value: unknown): string | null {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10)
  if (typeof value === 'string') return readDateAtStart(value.trim())?.iso ?? null
  return null
}

function monthIndex(name: string): number | null {
  const lower = name.toLowerCase()
  const index = MONTHS.findIndex((month) => month === lower || (lower.length >= 3 && month.startsWith(lower)))
  return index === -1 ? null : index + 1
}

function make(year: number, month: number, day: number, written: string, order: WrittenDate['order']): WrittenDate | null {
  if (month < 1 || month > 12 || day < 1) return null
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day > daysInMonth) return null
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
  return { iso, written, order }
}
