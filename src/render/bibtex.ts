/**
 * BibTeX for a paper: `@misc` with the arXiv eprint fields when there is an id,
 * so reference managers file it correctly. Authors are not known to the digest,
 * so none are invented.
 */
import type { Paper } from '../model.ts'

/** The BibTeX entry of `paper`. */
export function paperBibtex(paper: Paper): string {
  const key = `digest:${paper.id.replace(/[^A-Za-z0-9.:-]/g, '-')}`
  const fields: Array<[string, string]> = [['title', `{${escapeBibtex(paper.title)}}`]]
  if (paper.arxivId) {
    const year = /^\d{4}\./.test(paper.arxivId) ? `20${paper.arxivId.slice(0, 2)}` : /\/(\d{2})/.exec(paper.arxivId)?.[1]
    if (year) fields.push(['year', year.length === 2 ? (Number(year) >= 91 ? `19${year}` : `20${year}`) : year])
    fields.push(['eprint', paper.arxivId], ['archivePrefix', 'arXiv'])
  }
  if (paper.url) fields.push(['url', paper.url])
  const body = fields.map(([name, value]) => `  ${name} = {${value.startsWith('{') ? value.slice(1, -1) : value}}`).join(',\n')
  return `@misc{${key},\n${body}\n}\n`
}

function escapeBibtex(text: string): string {
  return text.replace(/([\\{}%&$#_^~])/g, (char) => (char === '\\' ? '\\textbackslash{}' : char === '^' ? '\\^{}' : char === '~' ? '\\~{}' : `\\${char}`))
}
