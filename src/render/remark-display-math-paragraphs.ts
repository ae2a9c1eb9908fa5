/**
 * A remark plugin: a paragraph that is nothing but `$$…$$` on one line is a
 * displayed formula, as its writer meant, not inline math. remark-math only
 * treats `$$` on lines of their own as display math.
 */
import type { Root } from 'mdast'
import type { Math } from 'mdast-util-math'
import type { VFile } from 'vfile'
import { visit } from 'unist-util-visit'

/** The plugin; it takes no options. */
export default function remarkDisplayMathParagraphs() {
  return (tree: Root, file: VFile) => {
    const source = String(file.value)
    visit(tree, 'paragraph', (node, index, parent) => {
      if (!parent || index === undefined || node.children.length !== 1) return
      const only = node.children[0]!
      if (only.type !== 'inlineMath') return
      const start = only.position?.start.offset
      if (start === undefined || !source.startsWith('$$', start)) return
      // The same shape remark-math gives display math, so remark-rehype and rehype-katex treat it alike.
      const display: Math = {
        type: 'math',
        value: only.value,
        position: node.position,
        data: {
          hName: 'pre',
          hChildren: [{ type: 'element', tagName: 'code', properties: { className: ['language-math', 'math-display'] }, children: [{ type: 'text', value: only.value }] }],
        },
      }
      parent.children.splice(index, 1, display)
    })
  }
}
