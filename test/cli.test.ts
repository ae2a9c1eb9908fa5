/**
 * The command line as a user runs it: `tsx src/cli.ts build …` in a child process,
 * checked by exit code, what it prints, and the `papers.json` it writes.
 *
 * Each run costs seconds of CPU (tsx start-up, then the whole pipeline), so all runs
 * start at once in one `beforeAll` and each test reads the run it needs.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const CONTENT = path.join(ROOT, 'content')
const ANSI = /\u001b\[/
const HAS_SCRIPT = existsSync('/usr/bin/script')

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Run `digest <args>` from the project folder. Colour-related variables are cleared
 * so the parent's environment cannot change the outcome; `env` adds to that.
 */
function digest(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return spawnRun(TSX, ['src/cli.ts', ...args], env)
}

/** Run a command inside a pseudo-terminal (util-linux `script`), so its stdout is a TTY. */
function inTerminal(command: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const line = command.map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(' ')
  return spawnRun('/usr/bin/script', ['-qec', line, '/dev/null'], env)
}

function spawnRun(file: string, args: readonly string[], env: Record<string, string>): Promise<Run> {
  const base: NodeJS.ProcessEnv = { ...process.env }
  delete base.NO_COLOR
  delete base.FORCE_COLOR
  // CI turns on plain progress lines on stderr (tested in test/progress.test.ts).
  delete base.CI
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, env: { ...base, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
      resolve({ code, stdout, stderr })
    })
  })
}

const GOOD_NOTES = `---
title: Good Notes
reviewers: [Ann]
date: 2025-01-10
format: link-notes
---

## [Chunk-Distilled Language Modeling](https://arxiv.org/abs/2501.00343v2)
A retrieval module lets the model emit whole chunks of text in a single decoding step.

## [A Blog Post](https://www.example.com/post/)
Notes on a blog post about optimisers.
`

const BROKEN_FRONT_MATTER = `---
title: [unclosed
reviewers: [Bob]
---

## [Variational Lossy Autoencoder](https://arxiv.org/pdf/1611.02731)
Combines VAEs with autoregressive decoders.

## [Another Post](http://example.com/post)
The same blog post, seen from another newsletter.
`

/** A clean link-notes file by `who`, reviewing the same two papers on the same day as any other. */
const sameDayNotes = (who: string) => `---
title: ${who}'s notes
reviewers: [${who}]
date: 2025-01-10
format: link-notes
---

## [Scaling Laws for Neural Language Models](https://arxiv.org/abs/2001.08361)
${who}'s notes on scaling laws.

## [Training Compute-Optimal Large Language Models](https://arxiv.org/abs/2203.15556)
${who}'s notes on compute-optimal training.
`

const PROSE = 'The authors prune whole transformer blocks from a pretrained language model and then heal the damage with a short round of fine tuning.'

/** One post repeated in the same file; the second copy is the fuller one. */
const REPEATED_POST = `---
title: Notes
reviewers: [Ann]
date: 2025-01-10
format: link-notes
---

## [The Unreasonable Ineffectiveness of the Deeper Layers](https://arxiv.org/abs/2403.17887)
${PROSE}

## [The Unreasonable Ineffectiveness of the Deeper Layers](https://arxiv.org/abs/2403.17887)
${PROSE} It also costs little.
`

interface PapersJson {
  version: unknown
  papers: Array<Record<string, unknown> & { reviews: Array<Record<string, unknown>> }>
}

let work = ''
const out = (name: string) => path.join(work, `out-${name}`)
const readPapersJson = async (outDir: string): Promise<PapersJson> => JSON.parse(await readFile(path.join(outDir, 'papers.json'), 'utf8')) as PapersJson

/** A fresh content folder with the real taxonomy and the given files. */
async function contentFolder(name: string, files: Record<string, string>): Promise<string> {
  const folder = path.join(work, name)
  await mkdir(folder, { recursive: true })
  await copyFile(path.join(CONTENT, 'topics.yaml'), path.join(folder, 'topics.yaml'))
  for (const [relative, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(folder, relative)), { recursive: true })
    await writeFile(path.join(folder, relative), text)
  }
  return folder
}

const EN = { LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' }
const DA = { LANG: 'da_DK.UTF-8', LC_ALL: 'da_DK.UTF-8' }

/** Every run the tests look at, by name. */
const runs: Record<string, Run> = {}

// Each run starts Node twice (tsx re-spawns itself) and loads the whole pipeline, so runs
// are few and some serve two tests; the comments say which.
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'digest-cli-'))
  const broken = await contentFolder('broken', { 'good.md': GOOD_NOTES, 'sub/broken.md': BROKEN_FRONT_MATTER, 'repeated.md': REPEATED_POST })
  const small = await contentFolder('small', { 'aa.md': sameDayNotes('Aage'), 'b.md': sameDayNotes('Bo') })
  const planned: Record<string, () => Promise<Run>> = {
    real: () => digest(['build', '--content', CONTENT, '--out', out('real')]),
    realStrictVerbose: () => digest(['build', '--content', CONTENT, '--out', out('realStrictVerbose'), '--strict', '--verbose'], { NO_COLOR: '1' }),
    // A build, then the same build again with nothing changed (which reports the first one).
    realAgain: async () => {
      await digest(['build', '--content', CONTENT, '--out', out('realAgain'), '--quiet'])
      return digest(['build', '--content', CONTENT, '--out', out('realAgain'), '--strict', '--verbose'], { NO_COLOR: '1' })
    },
    unknownFlag: () => digest(['build', '--content', small, '--out', out('unknownFlag'), '--no-such-flag']),
    brokenQuiet: () => digest(['build', '--content', broken, '--out', out('brokenQuiet'), '--quiet']),
    // Also the English half of the locale comparison.
    smallQuiet: () => digest(['build', '--content', small, '--out', out('smallQuiet'), '--quiet'], EN),
    ...(HAS_SCRIPT
      ? {
          // Also the Danish half of the locale comparison. The locale goes through env(1): set
          // on `script`, the shell warns that the system lacks it (Node's ICU has it anyway).
          terminalNoColour: () =>
            inTerminal(['/usr/bin/env', `LANG=${DA.LANG}`, `LC_ALL=${DA.LC_ALL}`, TSX, 'src/cli.ts', 'build', '--content', small, '--out', out('terminalNoColour'), '--no-progress'], {
              NO_COLOR: '1',
            }),
          // Shows that the pseudo-terminal really is one, so "no colour" above is not vacuous.
          terminalProbe: () => inTerminal([process.execPath, '-e', 'process.stdout.write(String(process.stdout.isTTY))']),
        }
      : {}),
  }
  const results = await Promise.all(Object.values(planned).map((start) => start()))
  Object.keys(planned).forEach((name, index) => {
    runs[name] = results[index]!
  })
})

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

// ---------------------------------------------------------------------------
// The real content folder
// ---------------------------------------------------------------------------

describe('digest build on the real content folder', () => {
  it('exits 0 and prints the summary line with files, reviews, papers, time and output folder', () => {
    const run = runs.real!
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const [first] = run.stdout.split('\n')
    expect(first).toMatch(/^4 content files → \d+ reviews of \d+ papers in \d+\.\d\d s → \S+\/$/)
    expect(first!.endsWith(` → ${path.relative(ROOT, out('real'))}/`)).toBe(true)
  })

  it('summarises warnings by rule with the fix, and points to --verbose', () => {
    const lines = runs.real!.stdout.trimEnd().split('\n')
    expect(lines[1]).toMatch(/^0 errors, [1-9]\d* warnings:$/)
    expect(lines).toContainEqual(expect.stringMatching(/^ +\d+  malformed-arxiv-id  arXiv links with ids that break arXiv rules\. Check the id on arxiv\.org/))
    expect(lines.at(-2)).toBe('Run again with --verbose to see each message with its file and line.')
    // Then the time of each stage and what the output stage did.
    expect(lines.at(-1)).toMatch(/^ingest \d+\.\d\d s · catalog \d+\.\d\d s · render \d+\.\d\d s · search \d+\.\d\d s · pages \d+\.\d\d s · output \d+\.\d\d s · \d+ files written, \d+ unchanged, \d+ removed$/)
  })

  it('counts as many papers in the summary as it writes to papers.json', async () => {
    const papers = (await readPapersJson(out('real'))).papers.length
    expect(runs.real!.stdout).toContain(` reviews of ${papers} papers in `)
  })

  it('prints no ANSI colour codes when output is not a terminal', () => {
    expect(runs.real!.stdout).not.toMatch(ANSI)
    expect(runs.real!.stderr).not.toMatch(ANSI)
  })

  it('prints no ANSI colour codes with NO_COLOR, in the summary or the --verbose messages', () => {
    expect(runs.realStrictVerbose!.stdout).not.toMatch(ANSI)
    expect(runs.realStrictVerbose!.stderr).not.toMatch(ANSI)
  })

  it('exits 1 with --strict because the content has warnings, still printing the summary and writing the site', async () => {
    const run = runs.realStrictVerbose!
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/^4 content files → /)
    expect(run.stdout).toMatch(/^0 errors, [1-9]\d* warnings:$/m)
    expect((await readPapersJson(out('realStrictVerbose'))).version).toBe(1)
  })

  it('reports the last build again when nothing changed since it: same summary, messages and exit code, no stage run', () => {
    const full = runs.realStrictVerbose!
    const again = runs.realAgain!
    expect(again.code).toBe(1)
    expect(again.stderr).toBe(full.stderr)
    const lines = (run: Run) => run.stdout.trimEnd().split('\n')
    const withoutTimes = (run: Run) => lines(run).slice(0, -1).map((line) => line.replace(/ in \d+\.\d\d s → \S+$/, ''))
    expect(withoutTimes(again)).toEqual(withoutTimes(full))
    expect(lines(full).at(-1)).toMatch(/^ingest /)
    expect(lines(again).at(-1)).toMatch(/^Nothing changed since the last build: its \d+ files are as it wrote them \(--no-cache builds again\)\.$/)
  })

  it('prints every message with --verbose as file:line:column, severity, reason and rule id, each followed by its hint', () => {
    const lines = runs.realStrictVerbose!.stderr.trimEnd().split('\n')
    const malformed =
      'mikes-daily-paper.txt:4751:1  warning  arXiv id "2412.0498" is not valid: ids from 2015 on have five digits after the dot, this one has 4. The link was kept as written  malformed-arxiv-id'
    expect(lines).toContain(malformed)
    expect(lines[lines.indexOf(malformed) + 1]).toBe('  hint: Check the id on arxiv.org: ids from 2015 on look like 2405.05417 (five digits after the dot).')
    expect(lines.length % 2).toBe(0)
    for (let index = 0; index < lines.length; index += 2) {
      expect(lines[index]).toMatch(/^[^\s:]+\.(?:txt|md|html|ya?ml):\d+:\d+  (?:error|warning|info)  .+  [a-z]+(?:-[a-z]+)*$/)
      expect(lines[index + 1]).toMatch(/^  hint: \S/)
    }
  })

  it('sorts --verbose messages by file, then line', () => {
    const places = runs.realStrictVerbose!.stderr
      .split('\n')
      .filter((line) => !line.startsWith('  '))
      .filter(Boolean)
      .map((line) => {
        const [, file = '', lineNumber = '0'] = /^(\S+?):(\d+):\d+  /.exec(line) ?? []
        return { file, line: Number(lineNumber) }
      })
    const sorted = [...places].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))
    expect(places.length).toBeGreaterThan(0)
    expect(places).toEqual(sorted)
  })

  it('leaves out the --verbose pointer from the summary when run with --verbose', () => {
    expect(runs.realStrictVerbose!.stdout).not.toContain('Run again with --verbose')
  })

  describe('papers.json under --out follows the README contract', () => {
    let document: PapersJson
    beforeAll(async () => {
      document = await readPapersJson(out('real'))
    })

    it('is version 1 with exactly the documented keys, in the documented order', () => {
      expect(Object.keys(document)).toEqual(['version', 'papers'])
      expect(document.version).toBe(1)
      expect(document.papers.length).toBeGreaterThan(100)
      for (const paper of document.papers) {
        expect(Object.keys(paper)).toEqual(['id', 'title', 'arxivId', 'url', 'links', 'tags', 'reviews'])
        for (const review of paper.reviews) {
          expect(Object.keys(review)).toEqual(['source', 'line', 'date', 'reviewers', 'summary', 'title', 'headline', 'url', 'arxivVersion'])
        }
      }
    })

    it('gives every field the documented type', () => {
      const stringOrNull = (value: unknown) => value === null || typeof value === 'string'
      const strings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string')
      for (const paper of document.papers) {
        expect(paper.id).toMatch(/^[a-z0-9][a-z0-9.-]*$/)
        expect(typeof paper.title).toBe('string')
        expect([paper.arxivId, paper.url].every(stringOrNull)).toBe(true)
        expect(strings(paper.links) && strings(paper.tags)).toBe(true)
        expect(paper.reviews.length).toBeGreaterThan(0)
        for (const review of paper.reviews) {
          expect(review.source).toMatch(/^[^/\\][^\\]*\.(?:txt|md|html)$/)
          expect(Number.isInteger(review.line) && (review.line as number) >= 1).toBe(true)
          expect(review.date === null || /^\d{4}-\d{2}-\d{2}$/.test(review.date as string)).toBe(true)
          expect(strings(review.reviewers)).toBe(true)
          expect(typeof review.summary).toBe('string')
          expect([review.title, review.headline, review.url, review.arxivVersion].every(stringOrNull)).toBe(true)
        }
      }
    })

    it('has unique paper ids', () => {
      const ids = document.papers.map((paper) => paper.id)
      expect(new Set(ids).size).toBe(ids.length)
    })

    it('names sources relative to the content folder and counts lines from 1, front matter included', async () => {
      const chunk = document.papers.find((paper) => paper.arxivId === '2501.00343')
      expect(chunk?.reviews.map((review) => [review.source, review.line, review.date, review.reviewers])).toEqual([
        ['tunadorable-monthly-2025-02.md', 11, '2025-02-01', ['Tunadorable']],
      ])
      const text = await readFile(path.join(CONTENT, 'tunadorable-monthly-2025-02.md'), 'utf8')
      expect(text.split('\n')[11 - 1]).toBe('# Chunk-Distilled Language Modeling')
    })

    it('keeps a paper whose arXiv id is malformed, without an arXiv id and with its link as written', () => {
      const malformed = document.papers.find((paper) => paper.reviews.some((review) => String(review.url).includes('2412.0498')))
      expect(malformed).toMatchObject({ arxivId: null, url: 'https://arxiv.org/pdf/2412.0498' })
    })
  })
})

// ---------------------------------------------------------------------------
// Small content folders and usage errors
// ---------------------------------------------------------------------------

describe('digest build on small content folders', () => {
  it('exits 2 on an unknown flag, naming it, and builds nothing', () => {
    const run = runs.unknownFlag!
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("unknown option '--no-such-flag'")
    expect(run.stdout).toBe('')
    expect(existsSync(out('unknownFlag'))).toBe(false)
  })

  it('prints nothing at all with --quiet when the build succeeds, and still writes the site', async () => {
    const run = runs.smallQuiet!
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' })
    expect((await readPapersJson(out('smallQuiet'))).papers.map((paper) => paper.id)).toEqual(['2001.08361', '2203.15556'])
  })

  it('exits 1 on broken front matter (an error), printing the summary even with --quiet', () => {
    const run = runs.brokenQuiet!
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/^3 content files → 5 reviews of 4 papers in \d+\.\d\d s → \S+\/\n1 error, \d+ warnings:\n/)
    expect(run.stdout).toMatch(/^ +1  front-matter  broken front matter\. /m)
    expect(run.stderr).toBe('')
  })

  it('still writes papers.json with every good entry when a file has broken front matter', async () => {
    const document = await readPapersJson(out('brokenQuiet'))
    expect(document.papers.map((paper) => [paper.id, paper.reviews.map((review) => `${review.source}:${review.line}`)])).toEqual([
      ['2403.17887', ['repeated.md:11']],
      ['2501.00343', ['good.md:8']],
      ['a-blog-post', ['good.md:11', 'sub/broken.md:9']],
      ['1611.02731', ['sub/broken.md:6']],
    ])
    // The broken file's entries were read with default settings: no date, reviewers unknown.
    const broken = document.papers.flatMap((paper) => paper.reviews).filter((review) => review.source === 'sub/broken.md')
    expect(broken.map((review) => [review.date, review.reviewers])).toEqual([
      [null, []],
      [null, []],
    ])
    expect(document.papers.find((paper) => paper.id === '2501.00343')?.reviews).toEqual([{
      source: 'good.md',
      line: 8,
      date: '2025-01-10',
      reviewers: ['Ann'],
      summary: 'A retrieval module lets the model emit whole chunks of text in a single decoding step.',
      title: 'Chunk-Distilled Language Modeling',
      headline: null,
      url: 'https://arxiv.org/abs/2501.00343v2',
      arxivVersion: 'v2',
    }])
  })

  it('keeps only the fuller copy of a post repeated in one file, and counts it as a warning', async () => {
    expect(runs.brokenQuiet!.stdout).toMatch(/^ +1  duplicate-review  reviews posted twice\. /m)
    const document = await readPapersJson(out('brokenQuiet'))
    const paper = document.papers.find((candidate) => candidate.arxivId === '2403.17887')
    expect(paper?.reviews.map((review) => review.summary)).toEqual([`${PROSE} It also costs little.`])
  })

  // The summary's review count comes from ingest, before repeated posts are dropped, so it is one
  // higher than the reviews in papers.json per repeated post (real content/ today: "214 reviews"
  // printed, 213 written). Arguably a bug in src/cli.ts runBuild, which sums
  // `result.sources[].reviews.length` rather than the reviews of `result.papers`.
  it('counts the reviews it publishes in the summary line', async () => {
    const document = await readPapersJson(out('brokenQuiet'))
    const published = document.papers.reduce((count, paper) => count + paper.reviews.length, 0)
    expect(published).toBe(5)
    expect(runs.brokenQuiet!.stdout).toMatch(/^3 content files → 5 reviews of 4 papers /)
  })

  describe.skipIf(!HAS_SCRIPT)('in a terminal', () => {
    it('prints no colour codes in a terminal when NO_COLOR is set', () => {
      expect(runs.terminalProbe!.stdout).toBe('true')
      const run = runs.terminalNoColour!
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/^2 content files → 4 reviews of 2 papers in .*\r?\nNo problems found\.\r?\ningest .* removed\r?\n$/)
      expect(run.stdout).not.toMatch(ANSI)
    })
  })

  // Regression: same-day reviews were ordered with localeCompare, so output depended on LANG.
  it.runIf(HAS_SCRIPT)('writes the same papers.json whatever the locale of the machine', async () => {
    expect(runs.smallQuiet!.code).toBe(0)
    expect(runs.terminalNoColour?.code).toBe(0)
    const english = await readFile(path.join(out('smallQuiet'), 'papers.json'), 'utf8')
    const danish = await readFile(path.join(out('terminalNoColour'), 'papers.json'), 'utf8')
    expect(danish).toBe(english)
  })
})
