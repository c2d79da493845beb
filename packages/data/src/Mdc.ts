/**
 * Names of the Major Diagnostic Categories (CMS), for rationales.
 */
export const MDC_NAMES: Readonly<Record<string, string>> = {
  "01": "Diseases and Disorders of the Nervous System",
  "02": "Diseases and Disorders of the Eye",
  "03": "Diseases and Disorders of the Ear, Nose, Mouth and Throat",
  "04": "Diseases and Disorders of the Respiratory System",
  "05": "Diseases and Disorders of the Circulatory System",
  "06": "Diseases and Disorders of the Digestive System",
  "07": "Diseases and Disorders of the Hepatobiliary System and Pancreas",
  "08": "Diseases and Disorders of the Musculoskeletal System and Connective Tissue",
  "09": "Diseases and Disorders of the Skin, Subcutaneous Tissue and Breast",
  "10": "Endocrine, Nutritional and Metabolic Diseases and Disorders",
  "11": "Diseases and Disorders of the Kidney and Urinary Tract",
  "12": "Diseases and Disorders of the Male Reproductive System",
  "13": "Diseases and Disorders of the Female Reproductive System",
  "14": "Pregnancy, Childbirth and the Puerperium",
  "15": "Newborns and Other Neonates with Conditions Originating in the Perinatal Period",
  "16": "Diseases and Disorders of the Blood and Blood Forming Organs and Immunological Disorders",
  "17": "Myeloproliferative Diseases and Disorders, Poorly Differentiated Neoplasms",
  "18": "Infectious and Parasitic Diseases",
  "19": "Mental Diseases and Disorders",
  "20": "Alcohol/Drug Use and Alcohol/Drug Induced Organic Mental Disorders",
  "21": "Injuries, Poisonings and Toxic Effects of Drugs",
  "22": "Burns",
  "23": "Factors Influencing Health Status and Other Contacts with Health Services",
  "24": "Multiple Significant Trauma",
  "25": "Human Immunodeficiency Virus Infections"
}
