/**
 * arXiv identity: turns the many ways a newsletter writes an arXiv reference
 * (abs/pdf/html URLs, `www.`/`export.` hosts, `.pdf` suffixes, `arXiv:` prefixes,
 * version suffixes, old-style `archive.SUBJ/YYMMNNN` ids) into one unversioned id,
 * and rejects ids that break arXiv's numbering rules.
 *
 * Rules (https://info.arxiv.org/help/arxiv_identifier.html):
 * - new style `YYMM.NNNN` from 0704 to 1412, `YYMM.NNNNN` from 1501 on; month 01–12;
 * - old style `archive(.SUBJ)?/YYMMNNN` from 9108 to 0703; the subject class is dropped.
 */

/** A reference that is recognisably arXiv and valid. */
export interface ArxivId {
  readonly ok: true
  /** Unversioned id: `2405.05417`, `math/0611800`. */
  readonly id: string
  /** Version suffix as written (`v2`), or null. */
  readonly version: string | null
}

/** A reference that is recognisably arXiv but breaks its numbering rules. */
export interface InvalidArxivId {
  readonly ok: false
  /** The id as written, e.g. `2412.0498`. */
  readonly written: string
  /** Why it is not a valid id, as a sentence fragment. */
  readonly reason: string
}

export type ArxivReference = ArxivId | InvalidArxivId

const ARXIV_URL = /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html|format)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i
const ARXIV_PREFIX = /^arxiv:\s*(.+)$/i
const NEW_STYLE = /^(\d{2})(\d{2})\.(\d{4,5})(v\d+)?$/
const OLD_STYLE = /^([a-z-]+)(?:\.[A-Z]{2})?\/(\d{2})(\d{2})(\d{3})(v\d+)?$/

/** Archives that existed under the old numbering scheme. */
const OLD_ARCHIVES = new Set([
  'acc-phys', 'adap-org', 'alg-geom', 'ao-sci', 'astro-ph', 'atom-ph', 'bayes-an', 'chao-dyn',
  'chem-ph', 'cmp-lg', 'comp-gas', 'cond-mat', 'cs', 'dg-ga', 'funct-an', 'gr-qc', 'hep-ex',
  'hep-lat', 'hep-ph', 'hep-th', 'math', 'math-ph', 'mtrl-th', 'nlin', 'nucl-ex', 'nucl-th',
  'patt-sol', 'physics', 'plasm-ph', 'q-alg', 'q-bio', 'quant-ph', 'solv-int', 'supr-con',
])

/**
 * Parse a URL, `arXiv:` reference or bare id. Returns null when the text is not an
 * arXiv reference at all (a blog post, a DOI), an {@link InvalidArxivId} when it is
 * one but the id is malformed.
 */
export function parseArxivReference(text: string): ArxivReference | null {
  const trimmed = text.trim()
  const fromUrl = ARXIV_URL.exec(trimmed)
  const fromPrefix = fromUrl ? null : ARXIV_PREFIX.exec(trimmed)
  const candidate = fromUrl?.[1] ?? fromPrefix?.[1]
  if (candidate !== undefined) return normalizeArxivId(candidate)
  // A bare id is only taken when it has the exact new-style shape.
  if (NEW_STYLE.test(trimmed)) return normalizeArxivId(trimmed)
  return null
}

/** Validate and normalise an id already known to be meant as arXiv (no URL, no prefix). */
export function normalizeArxivId(written: string): ArxivReference {
  const raw = written.trim()
  const modern = NEW_STYLE.exec(raw)
  if (modern) {
    const [, yy = '', mm = '', number = '', version] = modern
    const month = Number(mm)
    const year = 2000 + Number(yy)
    if (month < 1 || month > 12) return invalid(raw, `month ${mm} does not exist`)
    if (year * 100 + month < 200704) return invalid(raw, 'new-style ids start in April 2007 (0704)')
    if (year >= 2015 && number.length !== 5) {
      return invalid(raw, `ids from 2015 on have five digits after the dot, this one has ${number.length}`)
    }
    if (year < 2015 && number.length !== 4) {
      return invalid(raw, `ids before 2015 have four digits after the dot, this one has ${number.length}`)
    }
    return { ok: true, id: `${yy}${mm}.${number}`, version: version ?? null }
  }
  const legacy = OLD_STYLE.exec(raw)
  if (legacy) {
    const [, archive = '', yy = '', mm = '', number = '', version] = legacy
    if (!OLD_ARCHIVES.has(archive)) return invalid(raw, `"${archive}" is not an arXiv archive`)
    const month = Number(mm)
    if (month < 1 || month > 12) return invalid(raw, `month ${mm} does not exist`)
    const year = Number(yy) >= 91 ? 1900 + Number(yy) : 2000 + Number(yy)
    if (year * 100 + month < 199108 || year * 100 + month > 200703) {
      return invalid(raw, 'old-style ids run from August 1991 to March 2007')
    }
    return { ok: true, id: `${archive}/${yy}${mm}${number}`, version: version ?? null }
  }
  return invalid(raw, 'it is neither YYMM.NNNNN nor archive/YYMMNNN')
}

/** The canonical abstract page for an unversioned id. */
export function arxivAbsUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`
}

/** The canonical PDF for an unversioned id. */
export function arxivPdfUrl(id: string): string {
  return `https://arxiv.org/pdf/${id}`
}

function invalid(written: string, reason: string): InvalidArxivId {
  return { ok: false, written, reason }
}
