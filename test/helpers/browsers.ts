// Which real browsers this machine has. A fresh machine without them still passes `npm test` (the
// browser tests are skipped); .ci/run installs them and sets MYELIN_REQUIRE_BROWSERS, so that there
// a missing browser fails instead of skipping.
import { existsSync } from "node:fs";

export const CHROMIUM = process.env.MYELIN_CHROMIUM ?? "/usr/bin/chromium";
export const FIREFOX = process.env.MYELIN_FIREFOX ?? "/usr/bin/firefox-esr";
const required = Boolean(process.env.MYELIN_REQUIRE_BROWSERS);
export const haveChromium = required || existsSync(CHROMIUM);
export const haveFirefox = required || existsSync(FIREFOX);
