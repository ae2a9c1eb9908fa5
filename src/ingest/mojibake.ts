/**
 * Repairs mojibake: UTF-8 text that was once decoded as Windows-1252, so that
 * "🔗" reads "ðŸ”—" and "’" reads "â€™". Each suspicious run is re-encoded to
 * the bytes it came from and decoded again; a run that does not decode as
 * valid UTF-8 is left exactly as it was.
 */

/** Windows-1252 characters for bytes 0x80–0x9F (undefined bytes map to the C1 control of the same value). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
]

/** Character → byte for the continuation bytes 0x80–0xBF as they look after the wrong decoding. */
const CONTINUATION_BYTE = new Map<string, number>()
CP1252_HIGH.forEach((codePoint, index) => CONTINUATION_BYTE.set(String.fromCodePoint(codePoint), 0x80 + index))
for (let byte = 0xa0; byte <= 0xbf; byte++) CONTINUATION_BYTE.set(String.fromCodePoint(byte), byte)

const CONTINUATION_CLASS = [...CONTINUATION_BYTE.keys()].map((char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`).join('')
const SUSPECT_RUN = new RegExp(
  `[\\u00c2-\\u00df][${CONTINUATION_CLASS}]|[\\u00e0-\\u00ef][${CONTINUATION_CLASS}]{2}|[\\u00f0-\\u00f4][${CONTINUATION_CLASS}]{3}`,
  'g',
)
const ANY_SUSPECT_RUN = new RegExp(SUSPECT_RUN.source)
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Could {@link repairMojibake} change anything in `text`? One search of the whole text, for skipping the repair of each line. */
export function mayHaveMojibake(text: string): boolean {
  return ANY_SUSPECT_RUN.test(text)
}

/** Result of {@link repairMojibake}. */
export interface MojibakeRepair {
  readonly text: string
  /** How many runs were repaired; 0 means `text` is the input unchanged. */
  readonly repairs: number
}

/** Re-decode runs that are UTF-8 bytes shown as Windows-1252. */
export function repairMojibake(text: string): MojibakeRepair {
  let repairs = 0
  const repaired = text.replace(SUSPECT_RUN, (run) => {
    const bytes = Uint8Array.from([...run], (char, index) => (index === 0 ? char.codePointAt(0)! : CONTINUATION_BYTE.get(char)!))
    try {
      const decoded = strictUtf8.decode(bytes)
      repairs++
      return decoded
    } catch {
      return run
    }
  })
  return { text: repaired, repairs }
}
