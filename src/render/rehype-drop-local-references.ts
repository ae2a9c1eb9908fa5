/**
 * A rehype plugin: drop images and links that point at files relative to the
 * newsletter ("Pasted image 2025….png", "notes.html"). Those files are not part
 * of the site, so the references would only ever be broken. Links keep their
 * text; images are replaced by their alt text.
 *
 * A plain recursive walk rather than `unist-util-visit` (see `rehype-focusable-math.ts`).
 */
import type { Element, ElementContent, Root, RootContent } from 'hast'

const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i

/** The plugin; it takes no options. */
export default function rehypeDropLocalReferences() {
  return (tree: Root) => {
    const walk = (children: Array<RootContent | ElementContent>) => {
      for (let index = 0; index < children.length; index++) {
        const node = children[index]!
        if (node.type !== 'element') continue
        if (node.tagName === 'img' && isLocal(node.properties.src, true)) {
          children[index] = { type: 'text', value: typeof node.properties.alt === 'string' ? node.properties.alt : '' }
          continue
        }
        if (node.tagName === 'a' && isLocal(node.properties.href, false)) delete node.properties.href
        walk(node.children)
      }
    }
    walk(tree.children)
  }
}

/** Is this `src`/`href` relative to the newsletter? An image's `#fragment` counts as local too; a link's does not. */
function isLocal(target: Element['properties'][string], image: boolean): boolean {
  if (typeof target !== 'string') return image
  if (!ABSOLUTE.test(target)) return true
  return image && target.startsWith('#')
}
