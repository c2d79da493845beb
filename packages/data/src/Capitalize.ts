/**
 * Sentence-initial capitals for generated text (notes and rationales).
 */

/** Upper-cases a leading lower-case letter, but leaves mixed-case tokens ("eGFR", "pRBC") alone. */
export const capitalize = (s: string): string => (/^[a-z](?![A-Z])/.test(s) ? s[0]!.toUpperCase() + s.slice(1) : s)
