/**
 * Headless Chromium for end-to-end tests: Debian's `/usr/bin/chromium` driven by
 * playwright-core (no browser download). When Chromium is missing the browser
 * tests are skipped with a loud notice — unless REQUIRE_BROWSER=1 (as in CI),
 * which turns the absence into a failure.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** True when browser tests can run here. */
export const hasBrowser = existsSync(CHROMIUM_PATH)

if (!hasBrowser) {
  if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error(`REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM_PATH}: install it with "apt-get install chromium"`)
  }
  process.stderr.write(
    `\n*** BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM_PATH}. Install it (apt-get install chromium) to run them. ***\n\n`,
  )
}

/** Launch headless Chromium with the flags this machine needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  })
}
