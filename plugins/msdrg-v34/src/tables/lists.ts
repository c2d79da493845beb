/**
 * Named code lists that DRG logic conditions read (PDX sub-lists, SDX lists, statuses).
 * Patterns: undotted codes, or prefixes ending in `*`.
 */
import type { CodePattern } from "./types.ts"

/**
 * MDC 24 significant trauma by body site (my recollection of the manual's eight
 * categories; concussion S06.0 is not significant). The MDC 24 rule counts the sites a
 * case touches; their union is the significant-trauma PDX list.
 */
export const TRAUMA_SITE_LISTS: Readonly<Record<string, ReadonlyArray<CodePattern>>> = {
  "trauma:head": ["S020*", "S021*", "S061*", "S062*", "S063*", "S064*", "S065*", "S066*", "S068*", "S069*"],
  "trauma:chest": ["S222*", "S224*", "S225*", "S26*", "S27*"],
  "trauma:abdomen": ["S35*", "S36*"],
  "trauma:kidney": ["S370*"],
  "trauma:urinary": ["S371*", "S372*", "S373*"],
  "trauma:pelvis-spine": ["S12*", "S141*", "S220*", "S241*", "S32*", "S341*"],
  "trauma:upper-limb": ["S422*", "S423*", "S424*", "S45*", "S48*", "S58*", "S68*"],
  "trauma:lower-limb": ["S72*", "S75*", "S78*", "S821*", "S822*", "S823*", "S88*"]
}

/** The built-in v34 named lists. */
export const NAMED_LISTS: Readonly<Record<string, ReadonlyArray<CodePattern>>> = {
  /** UB-04 statuses for "expired" (20; 40-42 are hospice-claim deaths). */
  "status:expired": ["20", "40", "41", "42"],
  /** Left against medical advice. */
  "status:ama": ["07"],
  /** DRG 065 "… OR TPA IN 24 HOURS": tPA given at another facility within 24 hours. */
  "tpa-elsewhere": ["Z9282"],
  /** DRGs 061-063: acute ischemic stroke principal diagnoses. */
  "ischemic-stroke": ["I63*"],
  /** DRGs 837-839: acute leukemia as a secondary diagnosis. */
  "acute-leukemia": ["C910*", "C920*", "C924*", "C925*", "C926*", "C92A*", "C930*", "C940*", "C942*", "C950*"],
  /** MDC 25: HIV disease. */
  "hiv": ["B20"],
  /** MDC 25 major HIV-related conditions (subset: opportunistic infections, Kaposi). */
  "hiv-major": ["A15*", "A16*", "A17*", "A18*", "A19*", "A31*", "B25*", "B3781", "B45*", "B58*", "B59", "C46*"],
  /** Pre-MDC 011-013: face, mouth and neck principal diagnoses (subset: head and neck cancers). */
  "face-mouth-neck": [
    "C00*", "C01", "C02*", "C03*", "C04*", "C05*", "C06*", "C07", "C08*", "C09*", "C10*", "C11*", "C12", "C13*",
    "C14*", "C30*", "C31*", "C32*"
  ],
  /** DRGs 338-340: complicated appendicitis (FY2017 codes: generalized / localized peritonitis). */
  "complicated-appendicitis": ["K352", "K353"],
  /** DRGs 023-024: acute complex CNS principal diagnoses (subset: stroke, hemorrhage, CNS infection). */
  "acute-complex-cns": ["I60*", "I61*", "I62*", "I63*", "G00*", "G01", "G02", "G03*", "G04*", "G06*"],
  /** DRGs 222-223: AMI, heart failure or shock. */
  "ami-hf-shock": ["I21*", "I22*", "I50*", "I110", "I130", "I132", "R57*"],
  /** DRGs 856-858: postoperative or post-traumatic infections. */
  "postop-infection": ["T814*", "T8140*", "T8141*", "T8142*", "T8143*", "T8149*"],
  ...TRAUMA_SITE_LISTS,
  /** MDC 24 principal diagnoses: any significant trauma code of the site lists. */
  "trauma:significant": Object.values(TRAUMA_SITE_LISTS).flat(),
  /** MDC 17: lymphoma and leukemia principal diagnoses (820-825). */
  "lymphoma-leukemia": ["C81*", "C82*", "C83*", "C84*", "C85*", "C86*", "C88*", "C90*", "C91*", "C92*", "C93*", "C94*", "C95*", "C96*"]
}
