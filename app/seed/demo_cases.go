package seed

// demoCase is a case the demo forum starts with, and its discussion.
type demoCase struct {
	Author, Title, Specialty, Tags string
	AgeBand, Sex, Setting          string
	Anonymous, WithImage           bool
	Body                           string
	Replies                        []demoReply
	// Accepted is the index of the reply the author accepts, or -1.
	Accepted int
	Outcome  string
	// Flag, when set, is a demo member's flag on the case, so that the
	// moderators' queue has something to show.
	Flag *demoFlag
}

type demoFlag struct {
	From, Reason string
}

type demoReply struct {
	Author string
	Body   string
	// HelpfulFrom are the demo members who mark the reply helpful.
	HelpfulFrom []string
}

// Demo members by the part of their address before the @.
const (
	chen   = "cardiology"
	okafor = "family"
	nair   = "dermatology"
	reyes  = "moderator"
	admin  = "admin"
)

var demoCases = []demoCase{
	{Author: okafor, Title: "Exertional chest pain with an equivocal ECG: stress test or straight to angiography?",
		Specialty: "cardiology", Tags: "chest-pain, ecg, rural", AgeBand: "50-59", Sex: "male", Setting: "rural", Accepted: 0,
		Body: "A man in his late 50s, smoker, type 2 diabetes, three weeks of chest tightness walking uphill that settles with rest.\n\n" +
			"- ECG at rest: 1 mm horizontal ST depression in V5–V6, no prior tracing to compare\n- High-sensitivity troponin 9 ng/L, repeat at 3 h 10 ng/L\n" +
			"- BP 148/92, HR 78, LDL 4.1 mmol/L\n\nThe nearest cath lab is three hours away. Would you send him for a stress test first, or refer straight for angiography?",
		Replies: []demoReply{
			{Author: chen, HelpfulFrom: []string{okafor, reyes},
				Body: "With typical angina, diabetes and resting ST changes his pre-test probability is high, and an exercise ECG will be hard to read with baseline ST depression. " +
					"I would start aspirin, a statin and a beta-blocker today and refer for invasive angiography as an outpatient within two weeks. If symptoms come at rest, he goes the same day."},
			{Author: reyes, Body: "Agree. If travel is the barrier, CT coronary angiography at the regional hospital is a reasonable first step and spares him the trip if it is clean."},
		},
		Outcome: "Angiography showed a 90% proximal LAD stenosis, stented. Angina-free at six weeks on dual antiplatelet therapy."},
	{Author: nair, Title: "Annular plaques that did not respond to topical steroids", Specialty: "dermatology", Tags: "rash, fungal",
		AgeBand: "30-39", Sex: "female", Setting: "outpatient", Accepted: 0, WithImage: true,
		Body: "Scaly annular plaques on the trunk for two months, spreading outward with central clearing. Treated elsewhere with a potent topical steroid for three weeks; " +
			"the plaques got larger and less scaly. No systemic symptoms. Image attached. Tinea incognito, or should I be thinking of something else?",
		Replies: []demoReply{
			{Author: okafor, HelpfulFrom: []string{nair}, Body: "Tinea incognito until proven otherwise. Stop the steroid, send skin scrapings for KOH and culture, and start terbinafine cream if the KOH is positive."},
			{Author: chen, Body: "If the KOH is negative, granuloma annulare and subacute cutaneous lupus are worth a biopsy."},
		}},
	{Author: chen, Title: "New atrial fibrillation after a long-haul flight: anticoagulate?", Specialty: "cardiology", Tags: "atrial-fibrillation, anticoagulation",
		AgeBand: "60-69", Sex: "female", Setting: "emergency", Accepted: -1,
		Body: "Woman in her 60s, hypertension only, palpitations since landing from a 14-hour flight. AF at 120/min, BP 132/84, SpO2 97% on room air. " +
			"CHA2DS2-VASc 2. D-dimer mildly raised. Would you image for PE before deciding on anticoagulation, given the flight?",
		Replies: []demoReply{
			{Author: admin, HelpfulFrom: []string{chen}, Body: "She needs anticoagulation for the AF anyway at a score of 2, so a DOAC covers both questions. I would still do a CTPA if there is any hypoxia or tachycardia out of proportion, since it changes the duration."},
		}},
	{Author: okafor, Title: "Hyponatraemia in a marathon runner", Specialty: "internal-medicine", Tags: "sodium, sports-medicine",
		AgeBand: "30-39", Sex: "male", Setting: "rural", Accepted: 0, Anonymous: true,
		Flag: &demoFlag{From: nair, Reason: "A marathon collapse with these details was in the local news: could this identify the runner?"},
		Body: "Collapsed at the finish line of a marathon, confused, vomiting. Drank water at every station. Na 124 mmol/L, glucose 6.1 mmol/L, temperature 37.8 C. " +
			"Our clinic has no lab on weekends. Hypertonic saline here, or transfer first?",
		Replies: []demoReply{
			{Author: reyes, HelpfulFrom: []string{okafor, chen}, Body: "Symptomatic exercise-associated hyponatraemia: give 100 mL of 3% saline over 10 minutes now and repeat up to twice if he stays confused. " +
				"Do not give isotonic fluid. Transfer after the first bolus; the risk of overcorrection is low in acute cases."},
		},
		Outcome: "Two boluses of 3% saline, mental state normal within the hour. Na 131 on arrival at the regional hospital, home the next day."},
	{Author: nair, Title: "Isotretinoin and a low mood: stop or continue?", Specialty: "psychiatry", Tags: "isotretinoin, depression",
		AgeBand: "adolescent", Sex: "male", Setting: "telehealth", Accepted: -1,
		Body: "Teenager on isotretinoin 40 mg daily for nodulocystic acne, month three, acne much better. Parents report withdrawal and poor sleep for two weeks; PHQ-A score 14, no suicidal thoughts. How would you weigh this?",
		Replies: []demoReply{
			{Author: reyes, Body: "A new depressive episode on isotretinoin should make you stop it, at least until assessed. Acne relapse is treatable; the mood risk is not one to carry. Arrange a psychiatric review within the week."},
		}},
	{Author: chen, Title: "Hypercalcaemia found on routine bloods", Specialty: "endocrinology", Tags: "calcium, parathyroid",
		AgeBand: "70-79", Sex: "female", Setting: "outpatient", Accepted: -1,
		Body: "Adjusted calcium 2.78 mmol/L, PTH 7.9 pmol/L (upper limit 6.9), eGFR 55, vitamin D 38 nmol/L. Asymptomatic. DEXA shows osteoporosis at the hip. Surgery or surveillance?"},
	{Author: okafor, Title: "Fever and a new murmur in a person who injects drugs", Specialty: "infectious-disease", Tags: "endocarditis, sepsis",
		AgeBand: "30-39", Sex: "male", Setting: "emergency", Accepted: 0,
		Body: "Fever 39.2 C for five days, new pansystolic murmur at the left sternal edge, 2/2 blood culture sets taken before antibiotics. " +
			"Chest X-ray shows several small nodular opacities. Empirical regimen while we wait?",
		Replies: []demoReply{
			{Author: admin, HelpfulFrom: []string{okafor}, Body: "Right-sided endocarditis with septic emboli is the working diagnosis. Flucloxacillin plus vancomycin until the cultures speak; get an echo today and involve addiction services early."},
		}},
	{Author: nair, Title: "Painless vision loss in one eye on waking", Specialty: "ophthalmology", Tags: "vision, stroke",
		AgeBand: "60-69", Sex: "male", Setting: "rural", Accepted: -1,
		Body: "Sudden painless loss of vision in the right eye noticed on waking, counting fingers only. Relative afferent pupillary defect on the right. Fundus: cherry-red spot. Atrial fibrillation, not anticoagulated."},
	{Author: chen, Title: "Wheeze that will not settle in a preschool child", Specialty: "pediatrics", Tags: "asthma, wheeze",
		AgeBand: "child", Sex: "female", Setting: "outpatient", Accepted: -1,
		Body: "Recurrent wheeze with every cold since age two, now three episodes this winter needing oral steroids. Parents smoke outdoors. Would you start a daily inhaled corticosteroid, or a leukotriene receptor antagonist first?"},
	{Author: okafor, Title: "Back pain with urinary retention after a fall", Specialty: "orthopedic-surgery", Tags: "back-pain, cauda-equina",
		AgeBand: "40-49", Sex: "female", Setting: "rural", Accepted: -1,
		Body: "Low back pain after a fall from a ladder, now saddle numbness and a bladder scan of 600 mL. Power 4/5 in both ankles. The MRI is two hours away and only open until evening."},
	{Author: nair, Title: "Ring-enhancing lesion on CT: what would you do before the biopsy?", Specialty: "neurology", Tags: "imaging, immunocompromised",
		AgeBand: "40-49", Sex: "male", Setting: "inpatient", Accepted: -1,
		Body: "Headache and a first seizure. CT shows a single ring-enhancing lesion with oedema. HIV positive, CD4 count 80 cells/µL, not on treatment. Toxoplasma serology pending."},
	{Author: chen, Title: "Pruritus and a rising ALP in a woman on several new drugs", Specialty: "gastroenterology", Tags: "liver, drug-induced",
		AgeBand: "50-59", Sex: "female", Setting: "outpatient", Accepted: -1,
		Body: "Itching for a month. ALP 420 U/L, GGT 310 U/L, ALT 65 U/L, bilirubin normal. Started amoxicillin-clavulanate, then atorvastatin in the last two months. Ultrasound: normal ducts. AMA pending."},
}
