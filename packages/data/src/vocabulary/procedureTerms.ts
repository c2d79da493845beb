/**
 * How each ICD-10-PCS procedure of the built-in tables is written in a brief hospital course.
 * Same line format as the diagnosis terms: `CODE | terms | details`.
 */
export const PROCEDURE_TERMS = `
027034Z | PCI with DES; DES to the LAD; drug-eluting stent | LHC with {80-99}% mid-LAD lesion, DES x1, good result
02703DZ | PCI with BMS; bare metal stent | BMS x1 to the RCA given bleeding risk
02703ZZ | balloon angioplasty; POBA | POBA of the OM branch without stent
4A023N7 | LHC; left heart cath; cardiac cath | cath via R radial
021109W | CABG x2 with vein grafts; two-vessel CABG with SVG | SVG to the RCA and OM, extubated POD0
02100Z9 | LIMA to LAD bypass; CABG x1 (LIMA-LAD) | uncomplicated post-op course, chest tubes out POD2
02RF38Z | TAVR; transcatheter aortic valve replacement | transfemoral TAVR, no paravalvular leak
02RF0KZ | surgical AVR; open aortic valve replacement | bioprosthetic AVR via sternotomy
0JH606Z | dual chamber pacemaker placement; PPM placement | dual chamber device placed by EP, interrogation normal
02H63JZ | RA lead placement; right atrial pacing lead | active-fixation RA lead, sensing and threshold good
02HK3JZ | RV lead placement; right ventricular pacing lead | RV lead at the septum, no pneumothorax on post-procedure CXR
0JH608Z | ICD generator placement; defibrillator generator implant | device interrogation normal
02583ZZ | catheter ablation; EP ablation | ablation by EP, no recurrence on tele
02L73DK | Watchman; LAA occlusion device | LAA occluder deployed, no leak on TEE
0SRD0J9 | L TKA; left total knee replacement; left total knee arthroplasty | uncomplicated L TKA, PT on POD0
0SRC0J9 | R TKA; right total knee replacement; right total knee arthroplasty | uncomplicated R TKA, WBAT
0SR9019 | R THA; right total hip replacement; right total hip arthroplasty | R THA, posterior precautions
0SRB04Z | L THA; left total hip replacement; left total hip arthroplasty | L THA, WBAT
0SRR0J9 | R hip hemiarthroplasty; right hip hemiarthroplasty | cemented hemiarthroplasty by ortho
0QS634Z | R hip ORIF; cephalomedullary nail of the right femur; percutaneous pinning of the R hip | fixation by ortho, WBAT
0SG00AJ | lumbar fusion; L4-5 interbody fusion; ALIF | ALIF by spine surgery, drain removed POD2
0DTJ4ZZ | lap appy; laparoscopic appendectomy | uncomplicated lap appy
0FT44ZZ | lap chole; laparoscopic cholecystectomy | lap chole by ACS, tolerated diet POD1
0FT40ZZ | open cholecystectomy; open chole | converted to open chole due to adhesions
0DTN0ZZ | sigmoid colectomy; open sigmoidectomy | open sigmoid colectomy with primary anastomosis
0B110F4 | tracheostomy; open trach | trach placed by thoracic surgery for prolonged vent wean
0B113F4 | percutaneous tracheostomy; perc trach | perc trach at bedside in ICU
5A15223 | ECMO; VV ECMO | cannulated for VV ECMO, decannulated after {5-9} days
5A1955Z | intubated, on the vent for {5-9} days; mechanically ventilated for {5-9} days | intubated in the ED, failed SBT x2, extubated after {5-9} days
5A1945Z | intubated for {2-3} days; on mechanical ventilation x{2-3} days | intubated for airway protection, extubated after passing SBT
5A1935Z | briefly intubated (<24h); intubated overnight | extubated the next morning
3E03317 | IV tPA; received tPA | tPA given within the window, post-tPA neuro checks
03CG3ZZ | mechanical thrombectomy; IR thrombectomy | TICI 2b recanalization
03CK0ZZ | R carotid endarterectomy; R CEA | CEA by vascular surgery, neuro intact post-op
0Y6H0Z1 | R BKA; right below-knee amputation | BKA by vascular surgery, stump healing
0Y6P0Z0 | R great toe amputation; amputation of the right first toe | toe amp by podiatry, margins clean
0JBN0ZZ | excisional debridement of the right leg; surgical debridement of R lower leg | excisional debridement in the OR
0VT08ZZ | TURP; transurethral resection of the prostate | TURP by urology, CBI weaned, foley out POD2
0T768DZ | ureteral stent; cysto with R ureteral stent | cysto and R ureteral stent by urology
0DJ08ZZ | EGD; upper endoscopy | EGD by GI
0DB68ZX | EGD with gastric biopsy; gastric biopsies on EGD | biopsies taken
0W9G3ZZ | paracentesis; diagnostic and therapeutic para | {3-6}L removed, albumin given
0W993ZZ | thoracentesis; R thoracentesis | {900-1500} cc removed
0BH17EZ | intubation; ETT placed | ETT placed by anesthesia
30233N1 | transfusion; transfused {1-2}u pRBC | appropriate Hgb bump
02HV33Z | PICC placement; PICC line | PICC placed for IV abx
009U3ZX | LP; lumbar puncture | LP with opening pressure {12-20}
0T9B70Z | foley placed; foley catheter | foley for strict I/Os, removed before d/c
5A1D60Z | hemodialysis; HD | HD per renal
`
