/**
 * A rehype plugin: rehype-raw, but only for trees that hold raw HTML. Re-parsing
 * a whole tree through parse5 costs about a tenth of a summary's render, and most
 * reviews contain no HTML at all.
 */
import type { Nodes, Root } from 'hast'
import rehypeRaw from 'rehype-raw'
import type { VFile } from 'vfile'

/** The plugin; it takes no options. */
export default function rehypeRawIfPresent() {
  const raw = rehypeRaw()
  return (tree: Root, file: VFile) => (containsRaw(tree) ? raw(tree, file) : undefined)
}

function containsRaw(node: Nodes): boolean {
  if (node.type === 'raw') return true
  return 'children' in node && node.children.some((child) => containsRaw(child as Nodes))
}
