/**
 * Lines a chatbot left in a newsletter ("Here is the English translation:",
 * "[Rest of the details are translated in your previous request]"): they belong
 * to no review and must not reach a page.
 */

const PREAMBLE = /^\W{0,3}(?:here(?:'s| is| are)|sure|certainly|of course|absolutely)\b[^.]{0,120}\b(?:translation|translated|version|refined|rewrite|rewritten|summary|revised|polished)\b[^.]{0,80}:\s*$/i
const BRACKETED_NOTE = /^\s*\[(?:rest of|remaining|the rest|continued|note:)[^\]]*\b(?:translat|request|omitted|above|previous)[^\]]*\]\s*$/i

/** True when `line` is a chatbot remark rather than newsletter text. */
export function isChatbotRemark(line: string): boolean {
  return PREAMBLE.test(line.trim()) || BRACKETED_NOTE.test(line)
}
