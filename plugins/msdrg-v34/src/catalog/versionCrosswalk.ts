/**
 * Titles from other MS-DRG versions that name a v34 family differently. Written from
 * CMS's release history (the later wording on the left, v34's on the right); only
 * renames whose v34 meaning is unambiguous are listed.
 *
 * @since 0.1.0
 */

/**
 * A family-text rename: the words of `from` are replaced by those of `to` wherever they
 * occur in the text's family part (compared after abbreviation expansion).
 *
 * @since 0.1.0
 */
export interface PhraseRename {
  readonly from: string
  readonly to: string
}

/**
 * Renamed phrases, later or earlier versions → v34.
 *
 * @since 0.1.0
 */
export const PHRASE_RENAMES: ReadonlyArray<PhraseRename> = [
  // FY2017 wording change (v33 and earlier).
  { from: "MENTAL RETARDATION", to: "INTELLECTUAL DISABILITY" },
  { from: "INBORN ERRORS OF METABOLISM", to: "INBORN AND OTHER DISORDERS OF METABOLISM" },
  { from: "AICD LEAD AND GENERATOR PROCEDURES", to: "AICD GENERATOR PROCEDURES" },
  // v25-v30 named 870-872 after septicemia alone.
  { from: "SEPTICEMIA WITH", to: "SEPTICEMIA OR SEVERE SEPSIS WITH" },
  { from: "SEPTICEMIA WITHOUT", to: "SEPTICEMIA OR SEVERE SEPSIS WITHOUT" },
  // Earlier wordings of 246-251 and 573-578.
  { from: "CORONARY ARTERY STENT OR AMI", to: "CORONARY ARTERY STENT" },
  { from: "SKIN GRAFT AND/OR DEBRIDEMENT", to: "SKIN GRAFT" },
  // Later versions: criteria added to a family's name.
  { from: "DIAGNOSES OR LARYNGECTOMY", to: "DIAGNOSES" },
  { from: "ENDOVASCULAR CARDIAC VALVE REPLACEMENT AND SUPPLEMENT PROCEDURES", to: "ENDOVASCULAR CARDIAC VALVE REPLACEMENT" },
  { from: "OTHER ENDOVASCULAR CARDIAC VALVE PROCEDURES", to: "ENDOVASCULAR CARDIAC VALVE REPLACEMENT" },
  { from: "TRANSIENT ISCHEMIA WITHOUT THROMBOLYTIC", to: "TRANSIENT ISCHEMIA" },
  { from: "WITH OTHER PROCEDURE", to: "WITH OTHER O.R. PROCEDURE" },
  { from: "9+ FUSIONS", to: "EXTENSIVE FUSIONS" },
  // CMS short form of 739-741.
  { from: "NON-OVARIAN/ADNEXAL", to: "NON-OVARIAN AND NON-ADNEXAL" }
]

/**
 * A later family that v34 splits by severity into two of its own DRG families: with a CC
 * or MCC the case goes to `complicated`, without to `uncomplicated` (v34 family texts).
 *
 * @since 0.1.0
 */
export interface SeverityCrosswalk {
  readonly from: string
  readonly complicated: string
  readonly uncomplicated: string
}

/**
 * The FY2019 obstetric rebuild (v36 783-788, 796-798, 805-807, 817-819, 831-833) mapped
 * back onto v34's 765-782.
 *
 * @since 0.1.0
 */
export const SEVERITY_CROSSWALK: ReadonlyArray<SeverityCrosswalk> = [
  { from: "CESAREAN SECTION WITH STERILIZATION", complicated: "CESAREAN SECTION", uncomplicated: "CESAREAN SECTION" },
  { from: "CESAREAN SECTION WITHOUT STERILIZATION", complicated: "CESAREAN SECTION", uncomplicated: "CESAREAN SECTION" },
  {
    from: "VAGINAL DELIVERY WITH STERILIZATION/D&C",
    complicated: "VAGINAL DELIVERY WITH STERILIZATION AND/OR D&C",
    uncomplicated: "VAGINAL DELIVERY WITH STERILIZATION AND/OR D&C"
  },
  {
    from: "VAGINAL DELIVERY WITHOUT STERILIZATION/D&C",
    complicated: "VAGINAL DELIVERY WITH COMPLICATING DIAGNOSES",
    uncomplicated: "VAGINAL DELIVERY WITHOUT COMPLICATING DIAGNOSES"
  },
  {
    from: "OTHER ANTEPARTUM DIAGNOSES WITH O.R. PROCEDURE",
    complicated: "OTHER ANTEPARTUM DIAGNOSES WITH MEDICAL COMPLICATIONS",
    uncomplicated: "OTHER ANTEPARTUM DIAGNOSES WITHOUT MEDICAL COMPLICATIONS"
  },
  {
    from: "OTHER ANTEPARTUM DIAGNOSES WITHOUT O.R. PROCEDURE",
    complicated: "OTHER ANTEPARTUM DIAGNOSES WITH MEDICAL COMPLICATIONS",
    uncomplicated: "OTHER ANTEPARTUM DIAGNOSES WITHOUT MEDICAL COMPLICATIONS"
  }
]
