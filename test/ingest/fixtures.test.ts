/**
 * Golden fixtures: every `test/fixtures/<case>/input.*` is ingested and compared
 * with `expected.json` beside it (records and messages). Expected files are
 * rewritten only when UPDATE_FIXTURES=1 is set.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ingestSource } from '../../src/ingest/index.ts'

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures')
const UPDATE = process.env.UPDATE_FIXTURES === '1'

const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) => readdirSync(path.join(FIXTURES, name)).some((file) => file.startsWith('input.')))
  .sort()

describe('ingest golden fixtures', () => {
  it('has fixtures to run', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5)
  })

  for (const name of cases) {
    it(`parses ${name} as expected`, () => {
      const folder = path.join(FIXTURES, name)
      const inputName = readdirSync(folder).find((file) => file.startsWith('input.'))!
      const result = ingestSource({ path: inputName, bytes: readFileSync(path.join(folder, inputName)) })
      const actual = {
        format: result.format,
        reviews: result.reviews,
        messages: result.file.messages.map((message) => ({
          place: `${message.line}:${message.column}`,
          ruleId: message.ruleId,
          severity: message.fatal === true ? 'error' : message.fatal === false ? 'warning' : 'info',
          reason: message.reason,
        })),
      }
      const expectedPath = path.join(folder, 'expected.json')
      if (UPDATE || !existsSync(expectedPath)) {
        if (!UPDATE) throw new Error(`${expectedPath} is missing; run with UPDATE_FIXTURES=1 to create it`)
        writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`)
      }
      expect(actual).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')))
    })
  }
})
