/**
 * Review summaries, Markdown → safe HTML, with unified: remark-parse, remark-gfm,
 * remark-math (one-line `$$…$$` paragraphs displayed), remark-rehype, rehype-raw (newsletters contain raw HTML),
 * rehype-sanitize, rehype-katex (math rendered at build time, no JavaScript on
 * pages), rehype-slug, rehype-external-links, rehype-stringify.
 *
 * A processor is built once and reused for every summary. KaTeX problems become
 * positioned messages; the formula is shown as its source in an error style.
 */
import type { Element, Root } from 'hast'
import rehypeExternalLinks from 'rehype-external-links'
import rehypeKatex from 'rehype-katex'
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
import rehypeRawIfPresent from './rehype-raw-if-present.ts'
import rehypeDropLocalReferences from './rehype-drop-local-references.ts'
import { summarySchema } from './sanitize-schema.ts'
import { plainText } from './plain-text.ts'
import { excerptOf } from './excerpt.ts'

/** A rendered summary. */
export interface RenderedSummary {
  /** Sanitized HTML for pages: math as KaTeX HTML with MathML for assistive technology. */
  readonly html: string
  /** The same HTML for feed readers: math as MathML only (no KaTeX stylesheet there). */
  readonly feedHtml: string
  /** Plain text (for search). */
  readonly text: string
  /** The opening of the plain text (see `excerpt.ts`), for listings and search results. */
  readonly excerpt: string
  /** True when the summary contains math (pages then link the KaTeX stylesheet). */
  readonly hasMath: boolean
  /** Problems found while rendering (KaTeX parse errors), in summary coordinates. */
  readonly problems: ReadonlyArray<{ readonly reason: string; readonly line: number | null }>
}

/**
 * Could GFM change how `markdown` parses? Every GFM construct needs one of these:
 * a table or strikethrough character (or an aligned delimiter, `:-`/`-:`, which
 * makes a one-column table without pipes), an email `@`, a task box `[ ]`/`[x]`, a
 * footnote `[^`, or a literal link (`www`, `http`, `mailto`, `xmpp`, however escaped);
 * or a character reference, which may stand for any of them.
 * Most reviews have none, and parsing without GFM is about twice as fast.
 */
export function needsGfm(markdown: string): boolean {
  return GFM_TRIGGER.test(markdown)
}

// Deliberately loose: `www\.` (an escaped dot) still makes a GFM link, so any `www` counts, and a
// character reference (`a&#64;b.org`) can stand for any of these characters, so any `&name;`/`&#…;` counts.
// A one-column table needs no pipe when its delimiter row is aligned (`a` over `:-` or `-:`).
const GFM_TRIGGER = /[|~@]|\[[\sxX^]|www|http|mailto|xmpp|&[#a-z]|:-|-:/i

/** Build a reusable renderer for summaries (one unified processor for all of them). */
export function createSummaryRenderer(): (markdown: string) => RenderedSummary {
  const processor = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkDisplayMathParagraphs)
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeRawIfPresent)
    .use(rehypeSanitize, summarySchema)
    .use(rehypeDropLocalReferences)
    .use(rehypeKatex, { output: 'htmlAndMathml', strict: 'ignore', trust: false, maxExpand: 200, maxSize: 20 })
    .use(rehypeFocusableMath)
    .use(rehypeSlug, { prefix: 'summary-' })
    .use(rehypeExternalLinks, { rel: ['noopener', 'nofollow'] })
    .use(rehypeStringify)
    .freeze()
  // The same parser without GFM, for text GFM cannot change (see `needsGfm`).
  const plainParser = unified().use(remarkParse).use(remarkMath).freeze()

  return (markdown) => {
    const file = new VFile({ value: markdown })
    const mdast = needsGfm(markdown) ? processor.parse(file) : plainParser.parse(file)
    const text = plainText(mdast)
    const tree = processor.runSync(mdast, file) as Root
    const html = processor.stringify(tree, file)
    const hasMath = /class="katex/.test(html)
    // Feed readers get the MathML alone: drop KaTeX's visual copy from the same tree.
    const feedHtml = hasMath ? processor.stringify(withoutKatexHtml(tree), file) : html
    return {
      html,
      feedHtml,
      text,
      excerpt: excerptOf(text),
      hasMath,
      problems: file.messages.map((message) => ({ reason: message.reason, line: message.line ?? null })),
    }
  }
}

/** A copy of `tree` without KaTeX's visual HTML (`.katex-html`), leaving MathML. */
function withoutKatexHtml(tree: Root): Root {
  const strip = <T extends Root | Element>(node: T): T => ({
    ...node,
    children: node.children
      .filter((child) => !(child.type === 'element' && Array.isArray(child.properties.className) && child.properties.className.includes('katex-html')))
      .map((child) => (child.type === 'element' ? strip(child) : child)),
  })
  return strip(tree)
}
