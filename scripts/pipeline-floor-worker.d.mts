/** Types of `pipeline-floor-worker.mjs` (plain JavaScript, so worker threads can load it without tsx). */
export declare function bareRenderer(): (markdown: string) => string
export declare function timeRendering(render: (markdown: string) => unknown, summaries: readonly string[]): number
