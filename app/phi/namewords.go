package phi

// Word tables for names.go. Kept apart so the rules stay readable; each is a
// plain list so it is easy to extend when a miss or a false alarm is found.

// nameStop are capitalised words that follow a name cue without being a name:
// sentence words ("patient Presented"), services ("we called Cardiology"),
// headings ("Patient Education"), languages and faiths ("patient Jehovah's
// Witness"), brand drugs. Surnames that are also words (White, Young, Bell)
// are deliberately absent.
var nameStop = set(`A An The This That These Those There Here He She They We I You It His Her Hers Their Them Him Our Your Its
	Who Whom Whose What Which When Where Why How And But Or Nor So Yet If Then Than Also Although Though Because Since While
	However Therefore Thus Still Just Only Even Now Later Today Tomorrow Yesterday Tonight Overnight Currently Previously
	Initially Subsequently Finally Meanwhile Otherwise Please Thanks Thank Hi Hello Dear Regards Cheers Yes No Not None Any All
	Some Each Every Both Either Neither Many Much Most More Less Few Several Other Another Such Same
	In On At To From With Without Within By For Of Off Over Under Into Onto Upon About Above Below After Before During Until Via
	Per Around Across Against Along Among Between Beyond Despite Except Inside Outside Through Throughout Toward Towards
	Is Was Were Are Be Been Being Am Has Had Have Having Do Does Did Done Will Would Shall Should Can Could May Might Must
	Presented Presents Presenting Reports Reported Denies Denied Admitted Discharged Started Stopped Continued Given Gave
	Received Noted Found Seen Saw Called Transferred Underwent Remains Returned Developed Complained Arrived Agreed Declined
	Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June July August September October
	November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
	Mr Mrs Ms Mx Miss Dr Prof Professor Mister Sir Madam Jr Sr
	Husband Wife Son Daughter Mother Father Mom Mum Dad Brother Sister Parents Family Friend Partner Spouse Grandmother
	Grandfather Aunt Uncle Cousin Niece Nephew Baby Child Patient Pt Patients
	Cardiology Neurology Nephrology Oncology Hematology Haematology Pulmonology Pulmonary Gastroenterology Gastro GI Hepatology
	Endocrinology Endocrine Endo Rheumatology Rheum Dermatology Derm Urology Gynecology Gyn Obstetrics Psychiatry Psych Psychology
	Radiology Pathology Pharmacy Surgery Anesthesia Anaesthesia Anesthesiology Orthopedics Ortho Orthopaedics Neurosurgery
	Cardiothoracic Vascular Trauma Emergency Critical Intensive Palliative Hospice Geriatrics Pediatrics Paediatrics Peds
	Neonatology Infectious Medicine Internal Primary Hospitalist Hospitalists ENT Ophthalmology Ophtho Optometry Audiology
	Nutrition Dietitian Dietetics Physiotherapy Physical Occupational Speech Social Security Chaplain Chaplaincy Interpreter
	Interpreting Transport Lab Labs Laboratory Micro Microbiology Blood Bank Transfusion Dialysis Cath Echo Imaging Endoscopy
	Nursing Nurse Nurses Charge Rapid Response Code Blue Stroke Sepsis Team Poison Control Ethics Risk Management Legal
	Compliance Admissions Admitting Triage Registration Billing Records Medical Clinical Health Care Services Service Consult
	Consults Unit Ward Floor Room Bed Clinic Hospital Center Centre Department Dept Office Practice Home Facility Rehab
	Rehabilitation Respiratory Therapist Practitioner Assistant Resident Residents Fellow Attending Intern Consultant Registrar
	Anesthetist Pharmacist Surgeon Surgeons Coroner Examiner Police Court Judge Transplant Wound Ostomy Lactation Infection
	History Presentation Summary Assessment Plan Impression Exam Examination Findings Imaging Medications Meds Allergies
	Background Course Discussion Question Questions Update Follow Education Safety Information Details Notes Note Consent Portal
	Satisfaction Experience Advocate Navigator Centered Controlled Outcomes Identifier Identification Name Number Record Chart
	Data Case Cases Vitals Diagnosis Differential Management Treatment Therapy Prognosis Outcome Results Result Review Comments
	Comment Thoughts Pending Unknown Anonymous Deidentified Redacted Zero
	Hx Sx Dx Tx Rx Fx Bx Ox Ht Wt Pmh Hpi Ros Afib Covid Hep
	Jehovah Witness Witnesses Catholic Muslim Jewish Hindu Buddhist Sikh Mormon Amish Hispanic Latino Latina Latinx Asian African
	Caucasian Native American Indian English Spanish French Portuguese Mandarin Cantonese Chinese Vietnamese Korean Japanese
	Arabic Russian Haitian Creole Somali Tagalog Hmong Punjabi Hindi Urdu Polish German Italian Farsi Swahili Amharic Nepali
	Bengali Greek Turkish Hebrew Filipino Mexican Cuban Dominican Guatemalan Salvadoran Honduran Ukrainian Deaf ASL
	Tylenol Advil Motrin Aleve Lasix Coumadin Warfarin Eliquis Xarelto Pradaxa Lipitor Crestor Zofran Ativan Haldol Keppra
	Narcan Benadryl Plavix Brilinta Norco Percocet Dilaudid Lovenox Heparin Insulin Lantus Humalog Novolog Ozempic Jardiance
	Farxiga Entresto Synthroid Prednisone Decadron Zosyn Vanc Vancomycin Cipro Levaquin Augmentin Keflex Bactrim Flagyl
	Diflucan Tamiflu Paxlovid Xanax Valium Klonopin Ambien Seroquel Zyprexa Risperdal Lithium Depakote Lamictal Suboxone
	Methadone Albuterol Ventolin Symbicort Advair Spiriva Nexium Protonix Pepcid Miralax Colace Senna Metformin Aspirin EpiPen
	God Jesus Lord Christmas Easter Thanksgiving Halloween Google Epic Cerner MyChart UpToDate Medicare Medicaid Tricare Cross
	Shield Aetna Cigna Humana Ok Okay Sure Right Left Bilateral Normal Abnormal Positive Negative Acute Chronic Severe Mild
	Moderate Elderly Male Female Man Woman Boy Girl Baseline Day Night Week Month Year Morning Evening Afternoon Weekend Step
	Stage Grade Type Class Level Phase Part Section Chapter Figure Table Appendix Version Sample Test Tests Score Scores Protocol
	Guidelines Guideline Trial Study Studies Journal Society Association College American British European National
	International World Global Institute University School Academy Board Committee Group Foundation Memorial General Regional
	Community County State City Federal Veterans Affairs Children's Childrens Women's Womens Sacred Heart Presbyterian Methodist
	Baptist Lutheran Adventist`)

// eponyms are surnames used for diseases, signs and scores; after a weak cue
// ("known as Graves", "called Murphy") they are read as the eponym.
var eponyms = set(`Graves Parkinson Crohn Hashimoto Cushing Wilson Addison Down Bell Babinski Murphy Foley Whipple Mallory Weiss
	Apgar Glasgow Wells Ranson Kussmaul Cheyne Stokes Alzheimer Huntington Hodgkin Kaposi Raynaud Sjogren Sjögren Reiter Guillain
	Barre Barré Horner Kawasaki Marfan Turner Klinefelter Tourette Asperger Wernicke Korsakoff Brugada Wolff Virchow Trousseau
	Homans Kernig Brudzinski Chvostek Cullen Kehr McBurney Rovsing Osler Janeway Roth Austin Flint Framingham Pugh Gleason
	Breslow Killip Mallampati Seldinger Swan Ganz Sengstaken Blakemore Hartmann Roux Billroth Nissen Heller Kocher Pfannenstiel
	Trendelenburg Fowler Valsalva Heimlich Epley Hallpike Romberg Phalen Tinel Finkelstein Lachman McMurray Snellen Tanner Coombs
	Gram Westergren Friedewald Cockcroft Gault Henderson Hasselbalch Winters Starling Doppler Holter Korotkoff Wenckebach Mobitz
	Osborn Takotsubo Prinzmetal Dressler Libman Sacks Loeffler Churg Strauss Wegener Goodpasture Henoch Schonlein Schönlein
	Berger Alport Fanconi Bartter Gitelman Liddle Conn Sheehan Kallmann Hurthle Paget Sternberg Burkitt Waldenstrom Bence
	Stevens Ehlers Danlos Charcot Creutzfeldt Jakob Gehrig Niemann Gaucher Fabry Pompe Hurler Noonan Prader Willi Angelman
	DiGeorge Zollinger Ellison Budd Chiari Dandy Willebrand Hippel Lindau Recklinghausen Sturge Peutz Jeghers Lynch Cowden
	Fraumeni Barrett Boerhaave Zenker Schatzki Plummer Vinson Meckel Hirschsprung Ogilvie Crigler Najjar Gilbert Dubin Reye
	Behcet Behçet Felty Caplan Buerger Takayasu Osgood Schlatter Perthes Colles Monteggia Galeazzi Maisonneuve Lisfranc Bankart
	Dupuytren Quervain Heberden Bouchard Kienbock Ludwig Ramsay Epstein Lyme Hansen Todd Bezold Jarisch Kerley Hampton
	Westermark Levine Samter Stein Leventhal Meigs Krukenberg Centor Ottawa Blatchford Rockall Maddrey Hinchey Alvarado Ballard
	Duchenne Becker Lambert Eaton Adie Argyll Gunn Frey Mikulicz Kimura Castleman Rosai Dorfman Langerhans Erdheim Pancoast
	Kartagener Bernard Soulier Glanzmann Gardner Lown Ganong Brown Sequard Sequard Lhermitte Uhthoff Marcus Holmes Adie Tietze
	Mondor Ortner Dieulafoy Cameron Mirizzi Courvoisier Charcot's Grey Turner's Sydenham Jaccoud Kayser Fleischer Argyll`)

// eponymTails (lower-case) after a capitalised word make it an eponym:
// "Bell's palsy", "Foley catheter", "Graves disease".
var eponymTails = set(`disease diseases syndrome syndromes sign signs score scores criteria criterion palsy tear tears catheter
	catheters procedure operation repair maneuver manoeuvre test tests reflex reflexes breathing respiration respirations
	phenomenon triad pentad law rule rules classification scale staging stage grade lesion lesions node nodes nodule ulcer
	ulcers fracture fractures cell cells body bodies murmur pupil sequence anomaly malformation tumor tumour lymphoma sarcoma
	deformity contracture cyst cysts diverticulum hernia index equation formula method technique approach incision position
	line lines point points space canal duct gland glands ligament nerve area loop angle triangle membrane plexus ring valve
	bundle fibers fibres nodules spots stripes crunch effect reaction response solution stain staining agar block shunt tube
	filter needle forceps mask traction splint cast brace assay questionnaire inventory model protocol regimen trial angina
	cardiomyopathy encephalopathy neuropathy disorder disorders dystrophy anemia anaemia thyroiditis esophagus oesophagus
	varices hypothesis curve principle sheath tract pouch dementia chorea tics ataxia paralysis arteritis vasculitis purpura
	granulomatosis nephritis glomerulonephritis fever virus bacillus infection clamp retractor drain drains stockings balloon
	wire pump wave waves ratio rings stenosis aneurysm thrombosis esophagitis gastritis hepatitis pneumonia lung lungs`)

// institutionTails after a name make it part of an institution's name
// ("Henry Ford Hospital"), unless the name is possessive ("Dr. Lee's clinic").
var institutionTails = set(`hospital hospitals clinic clinics center centre medical university institute memorial foundation
	college school infirmary house health children's healthcare`)

// relationWords announce a name: family, friends and the patient's own
// clinicians ("her PCP Jones").
var relationWords = words(`husband wife spouse partner son daughter mother father mom mum dad brother sister sibling grandson
	granddaughter grandmother grandfather grandma grandpa granny nana aunt uncle niece nephew cousin boyfriend girlfriend fiance
	fiancee friend neighbor neighbour caregiver carer guardian roommate flatmate stepdaughter stepson stepmother stepfather
	colleague coworker boss employer landlord pcp gp oncologist cardiologist nephrologist neurologist psychiatrist therapist
	counselor counsellor dentist midwife pastor priest rabbi imam attorney lawyer proxy sponsor surgeon hepatologist
	pulmonologist endocrinologist rheumatologist dermatologist urologist gynecologist obstetrician pediatrician paediatrician
	internist hospitalist attending doctor physician`)

// firstNames are common given names that are not also ordinary words, places
// or eponyms (no Will, May, Grace, Virginia, Austin, Walter).
var firstNames = set(`James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony
	Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Gary Nicholas Eric
	Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Dennis Jerry Tyler Aaron Jose Henry
	Douglas Peter Nathan Zachary Kyle Harold Jeremy Ethan Carl Keith Roger Gerald Christian Terry Sean Arthur Lawrence Jesse
	Dylan Bryan Joe Billy Bruce Albert Willie Gabriel Logan Alan Juan Wayne Roy Ralph Randy Eugene Vincent Russell Elijah Louis
	Bobby Philip Johnny Tom Tommy Bob Jim Mike Dave Steve Tony Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica
	Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah
	Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine
	Christine Debra Rachel Carolyn Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce Victoria Kelly Lauren Christina
	Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Frances Kathryn Janice Jean Abigail
	Alice Judy Sophia Denise Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany Marie Kayla Alexis Lori Liz
	Mohammed Muhammad Ahmed Ali Fatima Aisha Priya Raj Wei Mei Yuki Hiroshi Carlos Luis Miguel Jorge Pedro Ana Rosa Sofia Lucia
	Elena Ivan Olga Dmitri Sergei`)
