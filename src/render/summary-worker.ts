/**
 * Worker entry for rendering summaries on all cores: renders a batch of Markdown
 * strings with the same unified processor as the main thread. Bundled with
 * esbuild by `summary-pool.ts`, so workers need no TypeScript loader.
 */
import { createSummaryRenderer, type RenderedSummary } from './markdown.ts'

const render = createSummaryRenderer()

/** Render one batch. */
export default function renderBatch(batch: readonly string[]): RenderedSummary[] {
  return batch.map((markdown) => render(markdown))
}
