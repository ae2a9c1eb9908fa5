// Worker of scripts/pipeline-floor.ts (plain JavaScript: worker threads do not
// inherit tsx's loader). Renders its share of summaries with the bare pipeline
// and posts the milliseconds that took, loading and one warm-up render excluded.
import { parentPort, workerData } from 'node:worker_threads'
import rehypeKatex from 'rehype-katex'
import rehypeStringify from 'rehype-stringify'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'

/** The pipeline the performance issue measured: no sanitizing, no templates, no writes. */
export function bareRenderer() {
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkMath).use(remarkRehype).use(rehypeKatex).use(rehypeStringify)
  return (markdown) => String(processor.processSync(markdown))
}

/** Milliseconds `render` takes over `summaries`, after one warm-up render. */
export function timeRendering(render, summaries) {
  if (summaries.length > 0) render(summaries[0])
  const started = performance.now()
  for (const summary of summaries) render(summary)
  return performance.now() - started
}

if (parentPort) parentPort.postMessage(timeRendering(bareRenderer(), workerData.summaries))
