/**
 * A rehype plugin: displayed formulas scroll sideways on narrow screens, so make
 * each one focusable (`tabindex="0"`) and keyboard users can scroll it too.
 */
import type { Element, Root } from 'hast'
import { visit } from 'unist-util-visit'

/** The plugin; it takes no options. */
export default function rehypeFocusableMath() {
  return (tree: Root) => {
    visit(tree, 'element', (node: Element) => {
      const classes = node.properties.className
      if (Array.isArray(classes) && classes.includes('katex-display')) {
        node.properties.tabIndex = 0
      }
    })
  }
}
