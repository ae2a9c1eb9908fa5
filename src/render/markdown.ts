/**
 * Review summaries, Markdown → safe HTML, with unified: remark-parse, remark-gfm,
 * remark-math (one-line `$$…$$` paragraphs displayed), remark-rehype, rehype-raw (newsletters contain raw HTML),
 * rehype-sanitize, rehype-katex (math rendered at build time, no JavaScript on
 * pages), rehype-slug, rehype-external-links, rehype-stringify.
 *
 * A processor is built once and reused for every summary. KaTeX problems become
 * positioned messages; the formula is shown as its source in an error style.
 */
import type { Root } from 'hast'
import rehypeExternalLinks from 'rehype-external-links'
import rehypeKatex from 'rehype-katex'
import rehypeRaw from 'rehype-raw'
import rehypeSanitize from 'rehype-sanitize'
import rehypeSlug from 'rehype-slug'
import rehypeStringify from 'rehype-stringify'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'
import { VFile } from 'vfile'
import remarkDisplayMathParagraphs from './remark-display-math-paragraphs.ts'
import rehypeFocusableMath from './rehype-focusable-math.ts'
import rehypeDropLocalReferences from './rehype-drop-local-references.ts'
import { summarySchema } from './sanitize-schema.ts'
import { plainText } from './plain-text.ts'

/** How math is written out: HTML+MathML for pages, MathML alone for feed readers. */
export type MathOutput = 'htmlAndMathml' | 'mathml'

/** A rendered summary. */
export interface RenderedSummary {
  /** Sanitized HTML. */
  readonly html: string
  /** Plain text (for excerpts and search). */
  readonly text: string
  /** True when the summary contains math (pages then link the KaTeX stylesheet). */
  readonly hasMath: boolean
  /** Problems found while rendering (KaTeX parse errors), in summary coordinates. */
  readonly problems: ReadonlyArray<{ readonly reason: string; readonly line: number | null }>
}

/** Build a reusable renderer for summaries. */
export function createSummaryRenderer(math: MathOutput = 'htmlAndMathml'): (markdown: string) => RenderedSummary {
  const processor = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkDisplayMathParagraphs)
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeRaw)
    .use(rehypeSanitize, summarySchema)
    .use(rehypeDropLocalReferences)
    .use(rehypeKatex, { output: math, strict: 'ignore', trust: false, maxExpand: 200, maxSize: 20 })
    .use(rehypeFocusableMath)
    .use(rehypeSlug, { prefix: 'summary-' })
    .use(rehypeExternalLinks, { rel: ['noopener', 'nofollow'] })
    .use(rehypeStringify)
    .freeze()

  return (markdown) => {
    const file = new VFile({ value: markdown })
    const mdast = processor.parse(file)
    const text = plainText(mdast)
    const tree = processor.runSync(mdast, file) as Root
    const html = processor.stringify(tree, file)
    const hasMath = /class="katex/.test(html) || /<math[\s>]/.test(html)
    return {
      html,
      text,
      hasMath,
      problems: file.messages.map((message) => ({ reason: message.reason, line: message.line ?? null })),
    }
  }
}
