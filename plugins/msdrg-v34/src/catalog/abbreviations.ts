/**
 * Abbreviations found in hospital DRG descriptions (CMS short titles, older grouper
 * versions, truncated exports), written by hand from the kinds of shortening seen in
 * practice: word stems ("PERC", "CARDIOVASC"), clipped words ("MALIG", "HEMATOL"), and
 * CMS's own forms ("FX", "SDX", "CATH"). Expansions are in the label space's vocabulary.
 *
 * @since 0.1.0
 */

/**
 * Abbreviated word → expansion (one or more words), upper case.
 *
 * @since 0.1.0
 */
export const ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  // procedures and devices
  ["PROC", "PROCEDURE"],
  ["PROCS", "PROCEDURES"],
  ["PERC", "PERCUTANEOUS"],
  ["CARDIOVASC", "CARDIOVASCULAR"],
  ["CRANIO", "CRANIOTOMY"],
  ["TRACH", "TRACHEOSTOMY"],
  ["DEV", "DEVICE"],
  ["IMPL", "IMPLANT"],
  ["DEFIB", "DEFIBRILLATOR"],
  ["NEUROSTIM", "NEUROSTIMULATOR"],
  ["CATH", "CATHETERIZATION"],
  ["CHEMO", "CHEMOTHERAPY"],
  ["CHEM", "CHEMOTHERAPY"],
  ["DEBRID", "DEBRIDEMENT"],
  ["WND", "WOUND"],
  ["GRFT", "GRAFT"],
  ["FUS", "FUSION"],
  ["AMPUTAT", "AMPUTATION"],
  ["STERIL", "STERILIZATION"],
  ["RAD", "RADICAL"],
  ["INT", "INTERNAL"],
  ["FIX", "FIXATION"],
  // anatomy and systems
  ["CARD", "CARDIAC"],
  ["CIRC", "CIRCULATORY"],
  ["RESP", "RESPIRATORY"],
  ["NERV", "NERVOUS"],
  ["SYS", "SYSTEM"],
  ["SYST", "SYSTEM"],
  ["PERIPH", "PERIPHERAL"],
  ["CERV", "CERVICAL"],
  ["EXTREM", "EXTREMITY"],
  ["HUMER", "HUMERUS"],
  ["MUSCULOSKELET", "MUSCULOSKELETAL"],
  ["MUSCULO-CONN", "MUSCULOSKELETAL SYSTEM AND CONNECTIVE"],
  ["CONN", "CONNECTIVE"],
  ["TISS", "TISSUE"],
  ["SUBCUT", "SUBCUTANEOUS"],
  ["SKN", "SKIN"],
  ["DIGEST", "DIGESTIVE"],
  ["ENDOC", "ENDOCRINE"],
  ["NUTRIT", "NUTRITIONAL"],
  ["METAB", "METABOLIC"],
  ["METABOL", "METABOLIC"],
  ["HEMATOL", "HEMATOLOGICAL"],
  ["IMMUN", "IMMUNOLOGICAL"],
  // diagnoses and qualifiers
  ["MALIG", "MALIGNANCY"],
  ["CIRR", "CIRRHOSIS"],
  ["ALC", "ALCOHOLIC"],
  ["HEPA", "HEPATITIS"],
  ["GASTROENT", "GASTROENTERITIS"],
  ["INFEC", "INFECTION"],
  ["INFECT", "INFECTION"],
  ["INFARCT", "INFARCTION"],
  ["CURV", "CURVATURE"],
  ["COAGUL", "COAGULATION"],
  ["MYELOPROLIF", "MYELOPROLIFERATIVE"],
  ["NEOPL", "NEOPLASMS"],
  ["DIFF", "DIFFERENTIATED"],
  ["DISORD", "DISORDERS"],
  ["DIS", "DISORDERS"],
  ["DIAG", "DIAGNOSIS"],
  ["FX", "FRACTURE"],
  ["SPRN", "SPRAIN"],
  ["STRN", "STRAIN"],
  ["DISL", "DISLOCATION"],
  ["INHAL", "INHALATION"],
  ["INJ", "INJURY"],
  ["MISC", "MISCELLANEOUS"],
  ["OTH", "OTHER"],
  ["MAJ", "MAJOR"],
  ["EXC", "EXCEPT"],
  ["EXT", "EXTENSIVE"],
  ["VES", "VESSELS"],
  ["HRS", "HOURS"],
  ["HR", "HOUR"],
  ["WO", "WITHOUT"],
  // the label space writes "&" as "AND"; applied blindly, "D&C" became "DANDC"
  ["DANDC", "D&C"],
  // common misspellings of whole words in free text
  ["LAPARASCOPY", "LAPAROSCOPY"],
  ["MYOCARDIA", "MYOCARDIAL"]
])

/**
 * Words that differ only in number or form collapse to one key word, so "PROCEDURE",
 * "PROCEDURES" and "PROC" or "DIAGNOSIS" and "DIAGNOSES" match each other.
 *
 * @since 0.1.0
 */
export const KEY_SYNONYMS: ReadonlyMap<string, string> = new Map([
  ["PROCEDURE", "PROC"],
  ["DIAGNOSIS", "DIAG"],
  ["DIAGNOSE", "DIAG"],
  ["NEOPLASM", "NEOPL"],
  ["NEOPLASTIC", "NEOPL"],
  ["CHOLECYST", "CHOLECYSTECTOMY"]
])
