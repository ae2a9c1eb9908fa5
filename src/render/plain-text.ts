/**
 * Plain text of a Markdown tree, for excerpts and the search index: words of
 * every block separated by spaces, math kept as its TeX source, raw HTML and
 * link targets left out.
 */
import type { Nodes, Root } from 'mdast'

const BLOCKS = new Set(['paragraph', 'heading', 'listItem', 'blockquote', 'tableCell', 'code', 'math', 'thematicBreak'])

/** The text of `tree`, with white space collapsed. */
export function plainText(tree: Root): string {
  const parts: string[] = []
  const walk = (node: Nodes) => {
    if (node.type === 'html') return
    if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'inlineMath' || node.type === 'code' || node.type === 'math') {
      parts.push(node.value)
    }
    if ('children' in node) for (const child of node.children) walk(child as Nodes)
    if (BLOCKS.has(node.type)) parts.push(' ')
  }
  walk(tree)
  return parts.join('').replace(/\s+/g, ' ').trim()
}
