/**
 * What review HTML may contain after sanitizing: GitHub's defaults (GFM tables,
 * task lists, footnotes) plus the classes remark-math puts on math so KaTeX can
 * render it afterwards. Scripts, event handlers, `javascript:` URLs, iframes,
 * styles and forms are all stripped: newsletter text is untrusted.
 */
import { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize'

const mathClasses = ['math', 'math-inline', 'math-display', 'language-math']

/** The schema passed to rehype-sanitize for review summaries. */
export const summarySchema: SanitizeSchema = {
  ...defaultSchema,
  attributes: {
    ...defaultSchema.attributes,
    code: [...(defaultSchema.attributes?.code ?? []), ['className', ...mathClasses, /^language-./]],
    span: [...(defaultSchema.attributes?.span ?? []), ['className', ...mathClasses]],
    div: [...(defaultSchema.attributes?.div ?? []), ['className', ...mathClasses]],
  },
  protocols: {
    ...defaultSchema.protocols,
    href: ['http', 'https', 'mailto'],
    src: ['http', 'https'],
  },
}
