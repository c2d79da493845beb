/**
 * Known misspellings in the label space and their correct forms. The misspelled titles
 * stay canonical (they are the answer strings); these fixes let family keys ignore them
 * and let correctly spelled text resolve to the misspelled title.
 *
 * @since 0.1.0
 */

/**
 * Misspelled word → correct word (whole words, upper case).
 *
 * @since 0.1.0
 */
export const SPELLING_FIXES: ReadonlyMap<string, string> = new Map([
  ["PROEDURESC", "PROCEDURES"],
  ["PROCEDURSE", "PROCEDURES"],
  ["CATHETERATION", "CATHETERIZATION"],
  // CMS's own misspelling (286-287), still fixed for family keys and resolution.
  ["CATETERIZATION", "CATHETERIZATION"],
  ["GASTROENTERISTIS", "GASTROENTERITIS"],
  ["FIXATIOM", "FIXATION"],
  ["CHEMOTHERPY", "CHEMOTHERAPY"],
  ["GRFT", "GRAFT"]
])

const WORD = /[A-Z]+/g

/**
 * Replaces every known misspelled word of an upper-case text by its correct form.
 *
 * @since 0.1.0
 */
export const fixSpellings = (text: string): string =>
  text.replace(WORD, (word) => SPELLING_FIXES.get(word) ?? word)
