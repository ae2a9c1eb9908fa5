/**
 * A rehype plugin: drop images and links that point at files relative to the
 * newsletter ("Pasted image 2025….png", "notes.html"). Those files are not part
 * of the site, so the references would only ever be broken. Links keep their
 * text; images are replaced by their alt text.
 */
import type { Element, Root, Text } from 'hast'
import { visit } from 'unist-util-visit'

const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i

/** The plugin; it takes no options. */
export default function rehypeDropLocalReferences() {
  return (tree: Root) => {
    visit(tree, 'element', (node: Element, index, parent) => {
      if (!parent || index === undefined) return
      if (node.tagName === 'img') {
        const src = node.properties.src
        if (typeof src !== 'string' || !ABSOLUTE.test(src) || src.startsWith('#')) {
          const alt = typeof node.properties.alt === 'string' ? node.properties.alt : ''
          const replacement: Text = { type: 'text', value: alt }
          parent.children.splice(index, 1, replacement)
          return index
        }
      }
      if (node.tagName === 'a') {
        const href = node.properties.href
        if (typeof href === 'string' && !ABSOLUTE.test(href)) delete node.properties.href
      }
      return undefined
    })
  }
}
