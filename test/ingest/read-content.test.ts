/**
 * Reading the content folder one file at a time: a file that cannot be read
 * becomes a message on its own path, and every other file is still ingested.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { analyzeContent } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'
import { listContentFiles } from '../../src/ingest/read-content.ts'

// `readFile` is wrapped so one file can fail to read (as root, permissions cannot make it fail).
const readHook = vi.hoisted(() => ({ failOn: null as string | null }))
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>()
  const readFile = (async (file: Parameters<typeof actual.readFile>[0], options?: Parameters<typeof actual.readFile>[1]) => {
    if (readHook.failOn && String(file).endsWith(readHook.failOn)) throw Object.assign(new Error(`EIO: i/o error, open '${String(file)}'`), { code: 'EIO' })
    return actual.readFile(file, options)
  }) as typeof actual.readFile
  return { ...actual, readFile, default: { ...actual, readFile } }
})

let work = ''
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'digest-read-'))
  await mkdir(path.join(work, 'content', 'nested'), { recursive: true })
  await mkdir(path.join(work, 'content', '.hidden'), { recursive: true })
  const entry = (id: string, title: string) => `## [${title}](https://arxiv.org/abs/${id})\n*2024-05-0${id.slice(-1)}* · Ada\n\nA review of ${title}.\n`
  await writeFile(path.join(work, 'content', 'a.md'), entry('2405.00001', 'First Paper'))
  await writeFile(path.join(work, 'content', 'nested', 'b.md'), entry('2405.00002', 'Second Paper'))
  await writeFile(path.join(work, 'content', 'c.md'), entry('2405.00003', 'Third Paper'))
  await writeFile(path.join(work, 'content', 'topics.yaml'), 'topics: []\n')
  await writeFile(path.join(work, 'content', '.hidden', 'd.md'), entry('2405.00004', 'Hidden Paper'))
})
afterAll(async () => {
  readHook.failOn = null
  if (work) await rm(work, { recursive: true, force: true })
})

describe('reading the content folder', () => {
  it('lists content files sorted, without dotfiles or data files', async () => {
    expect(await listContentFiles(path.join(work, 'content'))).toEqual(['a.md', 'c.md', 'nested/b.md'])
  })

  it('reports a file it cannot read on that file and ingests the others', async () => {
    readHook.failOn = 'c.md'
    try {
      const { files, papers } = await analyzeContent(resolveConfig({ cacheDir: false }, work))
      const unreadable = files.find((file) => file.path === 'c.md')
      expect(unreadable?.messages.map((message) => [message.ruleId, message.reason])).toEqual([['unreadable-file', expect.stringMatching(/^Could not read c\.md: EIO/)]])
      expect(papers.map((paper) => paper.title).sort()).toEqual(['First Paper', 'Second Paper'])
    } finally {
      readHook.failOn = null
    }
  })
})
