/**
 * Line splitting for the CMS text files (CRLF or LF).
 */

/** The lines of a CMS text file, without line ends. */
export const textLines = (text: string): ReadonlyArray<string> => text.split(/\r?\n/)

/** A DRG range "371-373" or "189" as [first, last]. */
export const parseRange = (first: string, last: string | undefined): readonly [number, number] => {
  const a = Number(first)
  return [a, last === undefined ? a : Number(last)]
}

/** A section banner line of the CMS files (`:=====:` or `| … |`). */
export const isBanner = (line: string): boolean => line.startsWith(":===") || line.startsWith("|")
