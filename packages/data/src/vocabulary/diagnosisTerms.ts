/**
 * How each diagnosis of the built-in tables is written in a brief hospital course.
 *
 * One line per code: `CODE | terms | details`. Terms are the names a note uses for the
 * condition (full names, synonyms, abbreviations); every rendered mention of a code uses one
 * of them verbatim, which is what the evidence check looks for. Details are supporting
 * findings or treatment that imply no other codable condition. `{a-b}` is a number drawn in
 * [a, b] at render time (so values vary and never collide with the DRG number); `{a.b-c.d}`
 * keeps one decimal.
 */
export const DIAGNOSIS_TERMS = `
A41.9 | sepsis; septicemia; sepsis, organism not identified | T {101-103}.{1-9}, HR {105-130}, BCx NGTD; started vanc/zosyn, narrowed as cultures returned; fevers resolved by HD{2-4}; lactate {2-3}.{1-9} on arrival, cleared with {2-3}L IVF; BCx x2 drawn before abx; completed {7-10}d of abx
A41.51 | E. coli sepsis; E. coli bacteremia with sepsis; urosepsis with E. coli bacteremia | BCx {1-2}/2 E. coli; started CTX, narrowed to cipro per sensitivities; T max {101-103}.{1-9}; UA with >{50-182} WBC, UCx E. coli; afebrile by HD{2-3}, transitioned to PO abx
A41.01 | MSSA sepsis; MSSA bacteremia with sepsis | BCx {2-4}/4 MSSA; TTE without vegetation; cefazolin via PICC, ID following
A41.02 | MRSA sepsis; MRSA bacteremia with sepsis | BCx 2/2 MRSA; on IV vanc, trough goal 15-20; surveillance cultures cleared
A41.59 | gram negative sepsis; GNR sepsis | BCx with GNR; cefepime, later narrowed; HR {105-125} on arrival
A41.81 | enterococcal sepsis; Enterococcus faecalis bacteremia with sepsis | BCx 2/2 E. faecalis; ampicillin per ID
A41.89 | sepsis due to other specified organism; anaerobic sepsis | BCx with B. fragilis; metronidazole added
A40.3 | pneumococcal sepsis; Strep pneumo bacteremia with sepsis | BCx + Strep pneumo; CTX then PO amoxicillin
R57.1 | hypovolemic shock | MAP {50-60} on arrival, responded to {3-5}L IVF; lactate cleared
R50.9 | FUO workup; febrile illness of unclear source; pyrexia of unknown origin | T max {101-103}.{1-9}, infectious w/u negative, defervesced without abx
B34.9 | viral syndrome; viral illness | myalgias, low-grade fevers, resp viral panel pending; supportive care
A49.02 | MRSA infection; MRSA colonization with infection | wound cx MRSA; doxycycline
T81.4XXA | post-operative wound infection; surgical site infection | incision erythematous with purulent drainage; wound opened at bedside, packed; vanc
J18.9 | pneumonia; PNA; CAP; community acquired pneumonia | CXR with RLL opacity; CTX/azithro x{5-7}d; weaned to RA; procal {1-4}.{1-9}, sputum cx with normal flora; ambulatory sat >{92-94}% on RA prior to d/c
J18.1 | lobar pneumonia; lobar PNA | CXR dense LLL consolidation; CTX/azithro; O2 weaned; rigors and productive cough, WBC {14-22}
J15.9 | bacterial pneumonia; bacterial PNA | sputum GPCs, CXR infiltrate; levofloxacin x{5-7}d
J13 | pneumococcal pneumonia; Strep pneumo PNA | urine strep Ag +; CTX
J12.9 | viral pneumonia; viral PNA | bilateral interstitial opacities, procal low, abx stopped
J10.1 | influenza A; flu A | rapid flu A +; oseltamivir; droplet precautions
J15.1 | Pseudomonas pneumonia; pseudomonal PNA | sputum cx Pseudomonas; cefepime x{7-10}d
J15.212 | MRSA pneumonia; MRSA PNA | sputum MRSA, MRSA nares +; vanc/linezolid
J15.6 | gram negative pneumonia; Klebsiella PNA | sputum Klebsiella; CTX
J69.0 | aspiration pneumonia; aspiration PNA | witnessed aspiration event, RLL infiltrate; amp-sulbactam; SLP eval, diet modified
J86.9 | empyema | loculated effusion, chest tube placed by IP, pleural fluid pH {6.8-7.1}; amp-sulbactam
A15.0 | pulmonary TB; active pulmonary tuberculosis | AFB smear +, cavitary RUL lesion; RIPE started, airborne isolation
J44.1 | COPD exacerbation; AECOPD; COPD flare | wheezy, nebs, prednisone 40 x5d, azithro; back to baseline {2-3}L NC; duonebs q4h, transitioned to home inhalers; ambulatory sat {89-93}% on RA, no home O2 needed
J44.0 | COPD exacerbation with bronchitis; AECOPD triggered by bronchitis | increased purulent sputum; nebs, prednisone, doxycycline
J45.901 | asthma exacerbation; asthma flare | peak flow {150-250}; nebs, prednisone burst
J45.51 | severe persistent asthma exacerbation; severe asthma flare | continuous nebs in ED, IV magnesium, prednisone; on home ICS/LABA
J20.9 | acute bronchitis | productive cough, CXR clear; supportive care, albuterol prn
J96.01 | acute hypoxemic respiratory failure; acute hypoxic resp failure; AHRF | SpO2 {78-86}% on RA, required {4-6}L then NRB, weaned over {2-4}d; ABG 7.{38-46}/{32-40}/{50-58} on RA
J96.02 | acute hypercapnic respiratory failure; hypercarbic resp failure | ABG 7.{21-28}/{70-90}; BiPAP overnight, weaned
J96.21 | acute on chronic hypoxemic respiratory failure; AoC hypoxic resp failure | baseline {2-3}L home O2, needed {5-6}L + HFNC, weaned to baseline
J96.22 | acute on chronic hypercapnic respiratory failure; AoC hypercarbic resp failure | VBG pCO2 {70-95}; BiPAP, returned to baseline
J81.0 | flash pulmonary edema; acute pulmonary edema | CXR with bilateral edema; BiPAP and IV nitro, diuresed
J80 | ARDS; acute respiratory distress syndrome | P/F {90-150}, bilateral infiltrates; HFNC, awake proning
I26.99 | pulmonary embolism; PE; segmental PE | CTA with segmental filling defects; heparin gtt -> apixaban; RV normal on TTE
I26.92 | saddle PE; saddle pulmonary embolism | CTA saddle embolus; heparin gtt, monitored in ICU; transitioned to apixaban
J90 | pleural effusion | CXR with moderate effusion; thoracentesis, transudative by Light's
J91.0 | malignant pleural effusion | cytology positive for adenocarcinoma; drained; onc to follow
J93.11 | spontaneous pneumothorax; PTX | CXR {20-40}% apical PTX; pigtail placed, removed HD{3-4}
J84.10 | pulmonary fibrosis; ILD flare | CT with UIP pattern; O2 titrated, pulm following
C34.90 | lung cancer; NSCLC; lung mass c/w carcinoma | CT chest spiculated mass; IR biopsy c/w adenocarcinoma; onc consulted
C34.11 | RUL lung cancer; RUL adenocarcinoma | RUL mass on CT, biopsy adenocarcinoma
R06.02 | dyspnea; shortness of breath; SOB | w/u unrevealing (CXR clear, BNP nl, trop neg); improved with ambulation
J98.11 | atelectasis | bibasilar atelectasis on CXR; IS encouraged
I21.4 | NSTEMI | trop peaked at {2-9}.{1-9}; heparin gtt, ASA, high-intensity statin; echo EF {45-55}% with regional WMA; started ASA, ticagrelor, high-intensity statin, metoprolol
I21.09 | anterior STEMI; STEMI (anterior) | ST elevations V1-V4; ASA, heparin gtt, CCU
I21.19 | inferior STEMI; STEMI (inferior) | ST elevations II, III, aVF; ASA, heparin gtt
I21.3 | STEMI | ST elevations on EKG; trop peaked {20-80}
I50.9 | CHF; heart failure | volume up on exam, diuresed with IV lasix; weight down {2-4} kg; diuresed {2-4}L, weight at d/c ___
I50.21 | acute systolic CHF; acute HFrEF | new EF {20-35}%, BNP {900-2500}; IV lasix, GDMT started
I50.23 | acute on chronic systolic CHF; AoC sCHF; acute on chronic HFrEF | EF {15-30}%, BNP {1200-3500}; diuresed with IV lasix, net -{3-6}L; admission weight {80-110} kg, dry weight {75-100} kg; lasix gtt, metolazone x1; GDMT resumed
I50.33 | acute on chronic diastolic CHF; AoC dCHF; acute on chronic HFpEF | EF {55-65}%, BNP {500-1500}; IV lasix, net -{2-5}L; orthopnea and LE edema x{1-2} wks; transitioned to PO torsemide
I50.43 | acute on chronic combined systolic and diastolic CHF; AoC combined CHF | EF {25-35}% with grade II diastolic dysfunction; IV lasix
I11.0 | hypertensive heart disease with CHF; hypertensive heart failure | BP {170-210}/{90-110} on arrival, volume overloaded; diuresed, BP meds uptitrated
I13.0 | hypertensive heart and kidney disease with CHF; cardiorenal HF with hypertensive CKD | volume overloaded, Cr stable; diuresed
R57.0 | cardiogenic shock | CI {1.5-1.9} on swan, required dobutamine and norepi in CCU, weaned
I48.91 | atrial fibrillation; AF; afib | rate controlled with metoprolol; CHADS-VASc {2-5}, anticoagulation continued
I48.0 | paroxysmal atrial fibrillation; paroxysmal AF | self-limited episodes on tele; metoprolol
I48.1 | persistent atrial fibrillation; persistent AF | persistent AF since ___; rate control, anticoagulated
I48.92 | atrial flutter; aflutter | typical flutter with 2:1 block; rate controlled
I47.2 | ventricular tachycardia; VT | runs of VT on tele; amiodarone load, EP consulted
I47.1 | SVT; supraventricular tachycardia | HR {160-200}, terminated with adenosine
I49.5 | sick sinus syndrome; SSS; tachy-brady syndrome | pauses up to {3-6} sec on tele
I44.2 | complete heart block; CHB; third degree AV block | HR {28-40}, AV dissociation on EKG; transcutaneous pads on standby
R00.1 | bradycardia | HR {35-45}, nodal agents held, resolved
I46.9 | cardiac arrest | PEA arrest, ROSC after {5-15} min of CPR
R55 | syncope | witnessed syncope; tele, TTE, orthostatics unrevealing
R07.9 | CP; chest discomfort; substernal chest pressure | trop neg x2, EKG without ischemic changes; stress test negative
R07.89 | atypical CP; chest wall pain; pleuritic chest discomfort | reproducible on palpation, trop neg x3
I20.0 | unstable angina; UA | rest angina, trop neg x3; heparin gtt
I25.10 | CAD; coronary artery disease | known CAD, continued ASA/statin
I10 | HTN; hypertension | home amlodipine continued; BP controlled
I33.0 | infective endocarditis; endocarditis | TEE with {6-14} mm mitral vegetation; IV abx, ID following
I35.0 | aortic stenosis; severe AS | TTE AVA 0.{6-9} cm2, mean gradient {40-55}
I42.9 | cardiomyopathy | new EF {25-35}%; GDMT initiated
I31.3 | pericardial effusion | moderate effusion on TTE without tamponade physiology
I30.9 | acute pericarditis; pericarditis | pleuritic CP, diffuse STE; colchicine + NSAID
I95.9 | hypotension | SBP {75-88}, fluid responsive; home antihypertensives held
I82.401 | RLE DVT; R leg DVT; acute DVT of the right leg | duplex with occlusive popliteal thrombus; started apixaban
I80.10 | femoral thrombophlebitis; femoral vein phlebitis | tender cord over the thigh, duplex positive
I74.3 | acute limb ischemia; arterial embolism of the leg | cool pulseless foot, heparin gtt, vascular surgery following
I71.4 | AAA; abdominal aortic aneurysm | {5-6}.{1-9} cm infrarenal AAA on CT, no rupture
I71.01 | thoracic aortic dissection; type B dissection | CTA with descending dissection; esmolol gtt, SBP goal <120
I70.261 | R leg gangrene from PAD; dry gangrene of the right foot from PAD | dry gangrene R toes, ABI 0.{3-5}; vascular following
E11.52 | diabetic PVD with gangrene; DM2 with peripheral angiopathy and gangrene | gangrenous toes, monophasic signals; insulin adjusted
K92.2 | GI bleed; GIB | Hgb {6-8}.{1-9} from baseline {10-12}; PPI gtt, GI consulted; BUN/Cr ratio elevated, 2 large bore IVs; EGD and colonoscopy without active source
K92.1 | melena | black tarry stools, BUN {40-70}; PPI gtt; Hgb nadir {6-7}.{1-9}, stable after resuscitation
K92.0 | hematemesis; coffee-ground emesis | coffee-ground emesis, Hgb stable; PPI
K25.4 | bleeding gastric ulcer | gastric ulcer with visible vessel treated endoscopically; PPI BID, H. pylori sent
K26.4 | bleeding duodenal ulcer | duodenal ulcer with adherent clot, epi + clips; PPI gtt
K57.31 | diverticular bleed | painless BRBPR, colonoscopy with diverticulosis and no other source
K62.5 | rectal bleeding; BRBPR | small-volume BRBPR, internal hemorrhoids on exam
K57.32 | diverticulitis | CT sigmoid diverticulitis without abscess; cipro/flagyl, diet advanced; LLQ pain, WBC {12-18}; bowel rest then clears, advanced to low residue diet
K57.20 | perforated diverticulitis with abscess | CT microperforation with {2-4} cm abscess; IR drain, pip-tazo
K52.9 | colitis; noninfectious colitis | CT colonic wall thickening, stool studies neg
A09 | infectious gastroenteritis; infectious colitis | diarrhea, cipro/flagyl empirically
A08.4 | viral gastroenteritis | N/V/D, IVF, advanced diet
K29.70 | gastritis | epigastric pain, PPI
K59.00 | constipation | KUB with stool burden, bowel regimen
R10.9 | abdominal pain | CT A/P unrevealing, LFTs/lipase nl, tolerated diet
R11.2 | nausea and vomiting; N/V | antiemetics, tolerated PO by HD{2-3}
K21.9 | GERD; reflux | PPI
K56.60 | SBO; small bowel obstruction | CT transition point, NGT to LIWS, resolved with bowel rest
K56.7 | ileus | distended, KUB dilated loops; bowel rest, lytes repleted
K56.0 | paralytic ileus; adynamic ileus | NGT decompression, ambulation; ROBF
A04.7 | C. diff colitis; CDI | stool C. diff PCR +; PO vanc x10d
K65.2 | SBP; spontaneous bacterial peritonitis | diagnostic para with PMN {300-900}; CTX + albumin
K63.1 | bowel perforation | free air on CT, surgery consulted
K55.0 | ischemic colitis; mesenteric ischemia | lactate {3-5}, CT bowel wall thickening; bowel rest, abx
K50.90 | Crohn's flare; Crohn disease | IV steroids, GI following
K51.90 | UC flare; ulcerative colitis | bloody diarrhea, IV methylpred, flex sig
C18.9 | colon cancer; colonic adenocarcinoma | colonoscopy mass, path adenocarcinoma; CEA sent
K35.80 | acute appendicitis; appendicitis | RLQ pain, CT dilated appendix
K40.90 | inguinal hernia | reducible inguinal hernia, no incarceration
K85.9 | acute pancreatitis; pancreatitis | lipase {800-4000}; aggressive IVF, pain control, diet advanced; CT with peripancreatic stranding, no necrosis; tolerating low-fat diet by HD{3-4}
K85.1 | gallstone pancreatitis; biliary pancreatitis | lipase {900-3000}, CBD dilated; ERCP
K85.2 | alcoholic pancreatitis; EtOH pancreatitis | lipase {600-3000}; IVF, CIWA
K86.1 | chronic pancreatitis | chronic pain, calcifications on CT, creon
K80.00 | acute calculous cholecystitis | RUQ US stones with wall thickening + Murphy's
K81.0 | acute cholecystitis | HIDA non-filling of the GB; abx
K80.50 | choledocholithiasis; CBD stone | CBD {8-12} mm; ERCP with stone extraction
K83.0 | cholangitis; ascending cholangitis | fever, jaundice, RUQ pain; ERCP + abx
K70.31 | EtOH cirrhosis with ascites; alcoholic cirrhosis w/ ascites | MELD {18-28}; diuretics titrated
K70.11 | alcoholic hepatitis; EtOH hepatitis | MDF {35-60}, prednisolone
K74.60 | cirrhosis | nadolol, lactulose continued
K72.90 | liver failure; hepatic failure | INR {2-3}.{1-9}, bili {6-15}
K76.7 | hepatorenal syndrome; HRS | Cr {2-3}.{1-9} despite albumin challenge; midodrine/octreotide
K75.0 | liver abscess; hepatic abscess | CT {4-8} cm abscess; IR drain
C22.0 | HCC; hepatocellular carcinoma | LI-RADS 5 lesion, AFP elevated
C25.9 | pancreatic cancer; pancreatic adenocarcinoma | pancreatic head mass, EUS biopsy +
S72.001A | right femoral neck fracture; R hip fx | mechanical fall; XR displaced R femoral neck fx
S72.141A | right intertrochanteric femur fracture; R intertroch fx | mechanical fall at home; XR intertrochanteric fx
M17.11 | right knee OA; R knee osteoarthritis | failed conservative mgmt; admitted for elective surgery
M16.11 | right hip OA; R hip osteoarthritis | progressive pain, failed injections
M48.06 | lumbar stenosis; lumbar spinal stenosis | neurogenic claudication, MRI severe L4-5 stenosis
M54.5 | low back pain; LBP | PT, pain control, MRI without cord compression
M86.9 | osteomyelitis | MRI osteomyelitis; bone bx, IV abx
M00.9 | septic arthritis | aspirate WBC {60-120}K; serial bedside aspirations, IV abx
M62.82 | rhabdomyolysis; rhabdo | CK {8000-40000}; aggressive IVF
M80.08XA | osteoporotic vertebral compression fracture | L1 compression fx; TLSO, pain control
L03.115 | RLE cellulitis; right leg cellulitis | erythema demarcated; cefazolin -> cephalexin; erythema marked, receded on IV abx; no fluctuance on US, no abscess
L03.116 | LLE cellulitis; left leg cellulitis | warm erythematous LLE; IV abx -> PO; marked borders, receding by HD{2-3}
L03.90 | cellulitis | IV abx, elevation; cefazolin, transitioned to PO cephalexin
L03.311 | abdominal wall cellulitis | erythema of the pannus; vanc
L02.411 | right axillary abscess; R axilla abscess | I&D at bedside, packing
L89.154 | stage 4 sacral decubitus ulcer; stage IV sacral pressure ulcer | wound care consulted, offloading
E11.10 | DKA in type 2 diabetic; DKA | AG {20-30}, BHB elevated; insulin gtt, gap closed
E10.10 | DKA in T1DM; DKA (type 1) | AG {22-32}; insulin gtt per protocol, transitioned to SQ
E11.65 | hyperglycemia in T2DM; uncontrolled T2DM | BG {350-500}, no AG; insulin adjusted
E11.649 | hypoglycemia in T2DM; hypoglycemic episode | BG {30-50} on glipizide; D50, glipizide stopped
E11.00 | HHS; hyperosmolar hyperglycemic state | BG {800-1200}, Osm {330-370}; IVF, insulin
E11.621 | diabetic foot ulcer; DFU | plantar ulcer, no osteo on MRI; podiatry
E87.1 | hyponatremia | Na {118-129}; fluid restriction, Na corrected slowly; urine osm {300-500}, c/w SIADH; Na {130-134} at d/c
E86.0 | dehydration; volume depletion | dry MM, BUN/Cr elevated; IVF
E87.2 | acidosis; metabolic acidosis | bicarb {12-16}; bicarb repleted
E87.6 | hypokalemia | K {2-3}.{1-9}; repleted
E83.52 | hypercalcemia | Ca {12-14}.{1-9}; IVF, zoledronic acid
E43 | severe protein calorie malnutrition; severe malnutrition | per nutrition, meets ASPEN criteria for severe malnutrition; supplements; BMI {15-17}, temporal wasting; tube feeds discussed
R62.7 | failure to thrive; FTT | poor PO intake, wt loss; PT/OT
E05.90 | hyperthyroidism; thyrotoxicosis | TSH undetectable, FT4 elevated; methimazole
E03.9 | hypothyroidism | home levothyroxine
N17.9 | AKI; acute kidney injury; ARF | Cr {1-3}.{1-9} from baseline 0.{7-9}; prerenal, improved with IVF; FeNa <1%, renal US without obstruction; nephrotoxins held, Cr back to baseline by d/c
N17.0 | ATN; acute tubular necrosis | Cr peaked {3-6}.{1-9}, muddy brown casts; renal following
N18.6 | ESRD; end stage renal disease | HD MWF via L AVF
I12.9 | hypertensive CKD; CKD from hypertension | Cr at baseline
N39.0 | UTI; urinary tract infection | UA positive, UCx pan-sensitive E. coli; CTX -> PO; dysuria and frequency, afebrile; ceftriaxone x{2-3}d then PO cephalexin
N10 | pyelonephritis; pyelo | CVA tenderness, UCx E. coli; CTX -> cefpodoxime; T max {101-103}.{1-9}, R CVA tenderness; renal US without hydronephrosis
N30.00 | acute cystitis; cystitis | dysuria, UA positive; nitrofurantoin
N20.0 | nephrolithiasis; kidney stone | CT {4-9} mm renal stone; pain control
N20.1 | ureteral stone; ureterolithiasis | CT {5-9} mm R UVJ stone with hydro
R33.9 | urinary retention | PVR {600-1000} cc; foley placed, tamsulosin
R31.9 | hematuria | gross hematuria, CBI; urology to follow
E11.22 | diabetic CKD; DM2 with diabetic nephropathy | Cr stable, insulin adjusted
N40.1 | BPH; benign prostatic hyperplasia | LUTS, tamsulosin/finasteride
I63.9 | ischemic stroke; CVA; acute infarct | MRI with acute infarct, NIHSS {2-8}; TTE with bubble neg; A1c and LDL checked, started ASA + high-intensity statin
I63.511 | right MCA stroke; R MCA infarct | L face/arm weakness, MRI acute R MCA infarct; NIHSS {4-12} on arrival
I63.412 | left MCA embolic stroke; L MCA cardioembolic infarct | aphasia, MRI acute L MCA infarct
I63.50 | acute ischemic stroke; AIS | MRI DWI lesion; ASA/statin
I61.9 | intracerebral hemorrhage; ICH | CTH with intraparenchymal bleed; SBP <140
I61.0 | subcortical ICH; basal ganglia hemorrhage | CTH R BG hemorrhage; BP control, neurosurgery no intervention
I60.9 | subarachnoid hemorrhage; SAH | thunderclap HA, CTH SAH; nimodipine
G45.9 | TIA; transient ischemic attack | transient aphasia resolved within an hour, MRI neg
I65.21 | right carotid stenosis; R ICA stenosis | duplex {70-90}% R ICA stenosis
G40.919 | intractable epilepsy; refractory epilepsy | on levetiracetam and lacosamide, breakthrough seizures despite adherence
G40.909 | seizure disorder; epilepsy | levetiracetam continued
G40.901 | status epilepticus | continuous seizure activity, lorazepam, fosphenytoin load
R56.9 | seizure; convulsion | single GTC, EEG without epileptiform discharges
G93.41 | metabolic encephalopathy; toxic-metabolic encephalopathy | inattentive, asterixis; improved with treatment of the underlying cause; CTH neg, EEG without seizures; improved with correction of the metabolic derangement
G03.9 | meningitis | LP with pleocytosis; empiric CTX/vanc/ampicillin
G00.1 | pneumococcal meningitis | CSF gram + diplococci, Strep pneumo; CTX + dexamethasone
G61.0 | Guillain-Barre syndrome; GBS | ascending weakness, areflexia; IVIG x5d
G35 | MS flare; multiple sclerosis | new enhancing lesions; IV methylpred x3d
G20 | Parkinson's disease; PD | carbidopa-levodopa continued
G30.9 | Alzheimer's dementia; Alzheimer disease | donepezil
G70.01 | myasthenia gravis exacerbation; MG crisis | NIF -{15-25}, IVIG
G62.9 | polyneuropathy; peripheral neuropathy | gabapentin
G43.909 | migraine | migraine cocktail
R51 | headache | CTH neg, improved with APAP
C71.9 | glioblastoma; brain tumor | MRI enhancing mass, dex started, neurosurg following
C79.31 | brain metastases; brain mets | MRI multiple enhancing lesions; dex, rad onc consulted
S06.0X0A | concussion | fall, CTH neg, no LOC
S06.5X0A | subdural hematoma; SDH | CTH {5-12} mm SDH, no LOC; neurosurg nonop
R40.20 | coma; unresponsive | GCS {3-6} on arrival
R29.6 | recurrent falls; repeated falls | PT/OT, home safety eval
R41.82 | altered mental status; AMS | confused on arrival, cleared by HD{2-3}
R42 | dizziness; vertigo | orthostatics neg, meclizine
R04.0 | epistaxis | posterior packing, ENT consulted
J01.90 | acute sinusitis; sinusitis | amox-clav
J11.1 | influenza; flu | flu swab +, oseltamivir
D62 | acute blood loss anemia; ABLA | Hgb {6-7}.{1-9}, transfused {1-2}u pRBC; Hgb drop from {10-12} to {6-7}
D64.9 | anemia | Hgb {9-11}.{1-9} at baseline, no transfusion
D57.00 | sickle cell crisis; vaso-occlusive crisis | pain crisis, PCA, IVF
D69.6 | thrombocytopenia | plt {70-120}, monitored
D68.32 | supratherapeutic INR with bleeding; coagulopathy from warfarin | INR {5-9}.{1-9}; vitamin K, KCentra
D70.1 | neutropenia from chemo; chemo-induced neutropenia | ANC {100-400}; neutropenic precautions
C92.00 | AML; acute myeloid leukemia | peripheral blasts {30-80}%; heme-onc consulted
C83.30 | DLBCL; diffuse large B cell lymphoma | PET avid nodes, R-CHOP planned
C90.00 | multiple myeloma | SPEP M-spike; dex, bortezomib
Z51.11 | admitted for scheduled chemotherapy; chemo admission | C{2-6} of planned regimen tolerated
F10.239 | EtOH withdrawal; alcohol withdrawal | CIWA max {15-25}; diazepam per CIWA, thiamine/folate/MVI; last drink ___ prior to admission; SW/addiction consult, declined rehab
F10.231 | DTs; delirium tremens | visual hallucinations, CIWA max {25-35}; phenobarb load
F10.230 | uncomplicated EtOH withdrawal; mild alcohol w/d | CIWA max {8-14}, few doses of diazepam
F10.129 | EtOH intoxication; alcohol intoxication | serum EtOH {250-400}; monitored until clinically sober
F11.23 | opioid withdrawal | COWS {12-20}; buprenorphine induction
F20.9 | schizophrenia | AH, disorganized; antipsychotics restarted
F31.9 | bipolar disorder; bipolar d/o | manic symptoms; lithium restarted
F32.2 | severe MDD; severe major depression | PHQ-9 {22-27}; sertraline titrated, psych following
R45.851 | suicidal ideation; SI | 1:1 sitter, psych consulted
T40.1X1A | heroin overdose; accidental heroin OD | found down, narcan x2 by EMS
T39.1X2A | intentional acetaminophen overdose; APAP ingestion | APAP level {150-300}; NAC per protocol, tox following
T42.4X2A | intentional benzodiazepine overdose; benzo ingestion | somnolent, supportive care; psych
T51.0X1A | ethanol toxicity; acute EtOH poisoning | EtOH {350-450}, airway monitored
T78.3XXA | angioedema | lip/tongue swelling on ACEi, lisinopril stopped; steroids/antihistamines
T78.2XXA | anaphylaxis | hives, wheeze, hypotension after exposure; IM epi x2
R53.1 | weakness; generalized weakness | PT/OT
R53.81 | debility; deconditioning | PT/OT, placement
B20 | HIV; AIDS | CD4 {50-180}, restarted ART
R65.20 | severe sepsis; sepsis with organ dysfunction | lactate {2-3}.{1-9}; lactate {4-6}.{1-9}, Cr bump, cleared with resuscitation
R65.21 | septic shock | required norepi x{12-48}h in MICU; MAP <65 despite {3-4}L IVF, norepi started
I50.31 | acute diastolic CHF; acute HFpEF | EF {55-65}%, IV lasix
G92 | toxic encephalopathy | somnolent from medication effect; held sedating meds
I49.01 | VF arrest; ventricular fibrillation | shocked x{1-3}, amiodarone
K72.00 | acute liver failure | INR {2-3}.{1-9}, hepatology following
I85.11 | variceal bleed; bleeding esophageal varices | EGD with banding x{2-4}; octreotide, CTX
D65 | DIC | fibrinogen {60-120}, plt {20-50}
L89.153 | stage 3 sacral pressure ulcer; stage III sacral decubitus | wound care
R65.11 | SIRS with organ dysfunction; non-infectious SIRS with organ failure | hypotensive, lactate up, cultures neg
J95.821 | post-op respiratory failure; postprocedural resp failure | post-op hypoxemia requiring HFNC, weaned over {2-4}d
N18.4 | CKD 4; CKD stage IV | Cr {2-3}.{1-9} at baseline, nephro following
N18.5 | CKD 5; CKD stage V | eGFR {8-14}, planning for HD access
I50.22 | chronic systolic CHF; chronic HFrEF | EF {25-35}%, euvolemic on home torsemide
I50.32 | chronic diastolic CHF; chronic HFpEF | EF {55-65}%, euvolemic
I50.42 | chronic combined systolic and diastolic CHF; chronic combined HF | EF {30-40}%, compensated
E87.0 | hypernatremia | Na {148-156}; free water
E44.0 | moderate malnutrition; moderate protein calorie malnutrition | per nutrition, supplements
Z68.41 | BMI over 40; class III obesity | weight-based dosing
G93.40 | encephalopathy | waxing and waning mental status
F05 | delirium; hyperactive delirium | haldol prn, delirium precautions
F11.20 | opioid use disorder on methadone; OUD on buprenorphine | methadone dose confirmed with clinic
K76.6 | portal hypertension | varices on prior EGD, splenomegaly
R65.10 | SIRS | tachycardic, leukocytosis, cultures neg
R78.81 | bacteremia | BCx 1/2 CoNS treated as true positive
T82.7XXA | line infection; port infection; CLABSI | BCx from line +, line removed
C78.7 | liver metastases; liver mets | multiple hepatic lesions on CT
C79.51 | bone metastases; bone mets | lytic lesions on imaging
D61.818 | pancytopenia | WBC {1-2}.{1-9}, Hgb {7-8}.{1-9}, plt {40-80}
Z94.0 | kidney transplant recipient; s/p renal transplant | tacrolimus levels followed
Z99.11 | chronically trach/vent dependent; vent-dependent | on home vent
G81.91 | right hemiplegia; R hemiplegia | dense R hemiparesis
I69.351 | right hemiparesis from prior stroke; residual R hemiplegia after old CVA | chronic R sided weakness
F03.91 | dementia with behavioral disturbance; dementia with agitation | sundowning, seroquel qHS
E11.9 | T2DM; type 2 diabetes; DM2 | ISS, home metformin held
E83.42 | hypomagnesemia | Mg {1-1}.{1-4}; repleted
I25.2 | h/o MI; prior MI | remote MI
E78.5 | HLD; hyperlipidemia | home statin
E66.01 | morbid obesity | weight-based dosing
J44.9 | COPD | stable on home inhalers, no exacerbation
F03.90 | dementia | at baseline per family
F10.20 | EtOH use disorder; alcohol dependence | no withdrawal this admission, SW counseling
F17.210 | tobacco use; smoker | nicotine patch
K70.30 | EtOH cirrhosis; alcoholic cirrhosis | compensated, no ascites
R09.02 | hypoxemia | transient desaturation to {86-89}%, resolved with 1-2L NC
N18.3 | CKD 3; CKD stage III | Cr at baseline
Z79.01 | on anticoagulation; long-term anticoagulation | home anticoagulant continued
Z95.1 | s/p CABG | remote CABG
Z99.2 | on dialysis; HD dependent | HD per schedule
Z66 | DNR; DNR/DNI | code status DNR/DNI confirmed with family
I48.2 | chronic atrial fibrillation; permanent AF | rate controlled, on anticoagulation
`
