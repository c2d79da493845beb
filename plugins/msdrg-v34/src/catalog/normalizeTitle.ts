/**
 * The label-space text normalization: upper case, commas dropped, `W/O` → `WITHOUT`,
 * `W` → `WITH`, a free-standing `&` → `AND`, whitespace trimmed and collapsed.
 *
 * @since 0.1.0
 */

// `W` and `W/O` only as whole tokens, so "W/O" inside "CC/MCC"-like strings, "D&C" and
// hyphenated words are left alone.
const WITHOUT_ABBREV = /(?<![\w/&.-])W\/O(?![\w/&-])/g
const WITH_ABBREV = /(?<![\w/&.-])W(?![\w/&.-])/g
const AMPERSAND_OR = /(?<![\w&])&\/OR\b/g
const FREE_AMPERSAND = /(?<=^|\s)&(?=\s|$)/g

/**
 * Normalizes a DRG title the way the DRG-LLaMA label space writes titles.
 *
 * @example
 * normalizeTitle("face, mouth & neck diagnoses w/o cc/mcc")
 * // "FACE MOUTH AND NECK DIAGNOSES WITHOUT CC/MCC"
 * @since 0.1.0
 */
export const normalizeTitle = (text: string): string =>
  text
    .toUpperCase()
    .replace(/,/g, " ")
    .replace(WITHOUT_ABBREV, "WITHOUT")
    .replace(WITH_ABBREV, "WITH")
    .replace(AMPERSAND_OR, "AND/OR")
    .replace(FREE_AMPERSAND, "AND")
    .replace(/\s+/g, " ")
    .trim()
