/**
 * The places where the DRG-LLaMA label space (`DRG_34.csv`, the answer strings of
 * DRG-Sapphire) departs from the plain normalization of the CMS titles. They ARE the label
 * space: a model is scored against these exact strings, so they are reproduced, not fixed.
 * Each quirk replaces the first occurrence of `from` by `to` in the normalized title of
 * each listed DRG; a quirk whose `from` is missing is an error (the catalog test catches a
 * stale entry).
 *
 * @since 0.1.0
 */

/**
 * One textual departure from the normalized CMS title.
 *
 * @since 0.1.0
 */
export interface LabelQuirk {
  readonly drgs: ReadonlyArray<number>
  readonly from: string
  readonly to: string
  /** Why the label space has this string. */
  readonly why: string
}

/**
 * Quirks of the DRG-LLaMA `DRG_34.csv` titles (catalog_check.md §6).
 *
 * @since 0.1.0
 */
export const LABEL_QUIRKS: ReadonlyArray<LabelQuirk> = [
  // Misspellings typed into the file; their siblings are spelled right.
  { drgs: [218], from: "CARDIOTHORACIC PROCEDURES", to: "CARDIOTHORACIC PROEDURESC", why: "typo" },
  { drgs: [226], from: "CATHETERIZATION", to: "CATHETERATION", why: "typo" },
  { drgs: [392], from: "GASTROENTERITIS", to: "GASTROENTERISTIS", why: "typo" },
  { drgs: [495], from: "FIXATION", to: "FIXATIOM", why: "typo" },
  { drgs: [630], from: "O.R. PROCEDURES", to: "O.R. PROCEDURSE", why: "typo" },
  { drgs: [838], from: "CHEMOTHERAPY WITH", to: "CHEMOTHERPY WITH", why: "typo (first word only)" },
  { drgs: [934], from: "SKIN GRAFT", to: "SKIN GRFT", why: "typo" },
  // The comma between "METABOLISM" and "FLUIDS" became a second space, not nothing.
  { drgs: [640, 641], from: "METABOLISM FLUIDS", to: "METABOLISM  FLUIDS", why: "double space" },
  // CMS short-title abbreviations the file left in place.
  {
    drgs: [410],
    from: "PROCEDURE EXCEPT ONLY CHOLECYSTECTOMY",
    to: "PROC EXCEPT ONLY CHOLECYST",
    why: "abbreviated"
  },
  { drgs: [718], from: "O.R. PROCEDURES EXCEPT", to: "O.R. PROC EXCEPT", why: "abbreviated" },
  { drgs: [956], from: "FEMUR PROCEDURES FOR", to: "FEMUR PROC FOR", why: "abbreviated" },
  { drgs: [987, 988], from: "O.R. PROCEDURE UNRELATED", to: "O.R. PROC UNRELATED", why: "abbreviated" },
  // "W" / "W/O" left unexpanded in a few rows.
  { drgs: [208], from: "WITH VENTILATOR", to: "W VENTILATOR", why: "W not expanded" },
  { drgs: [268, 270, 273], from: "WITH MCC", to: "W MCC", why: "W not expanded" },
  { drgs: [271], from: "WITH CC", to: "W CC", why: "W not expanded" },
  { drgs: [269, 272, 274], from: "WITHOUT ", to: "W/O ", why: "W/O not expanded" },
  // CMS writes "4+ VESSELS/STENTS"; the file turned this slash into "OR".
  { drgs: [246, 248], from: "4+ VESSELS/STENTS", to: "4+ VESSELS OR STENTS", why: "slash as OR" }
]
