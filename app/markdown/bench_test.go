package markdown

import "testing"

// casePost is a realistic case post of about 2 KB.
const casePost = `## 58-year-old man with progressive dyspnoea and hyponatraemia

**History.** Three weeks of worsening exertional dyspnoea, now at 50 m on the flat.
Ex-smoker (40 pack-years), quit 2019. Background of *type 2 diabetes* and
hypertension. Lost ~6 kg over two months without trying. No fever, no night
sweats, mild dry cough. Started on ~~indapamide~~ amlodipine six months ago.

**Medications.** Metformin 1 g BD, amlodipine 5 mg OD, atorvastatin 20 mg ON.
No NSAIDs, SSRIs or carbamazepine. Alcohol about 6 units a week.

**Exam.** Alert, euvolaemic clinically. RR 22, SpO2 93% on air, HR 96 regular,
BP 132/78. Reduced air entry and dullness at the right base. No oedema, JVP not
raised. Finger clubbing present. No lymphadenopathy palpable.

### Labs

| Test        | Result | Reference     |
|:------------|-------:|:--------------|
| Sodium      | 124    | 135–145 mmol/L |
| Potassium   | 4.1    | 3.5–5.0 mmol/L |
| Urea        | 3.2    | 2.5–7.8 mmol/L |
| Serum osm   | 258    | 275–295 mOsm/kg |
| Urine osm   | 510    | mOsm/kg        |
| Urine Na    | 62     | mmol/L         |
| TSH         | 1.8    | 0.4–4.0 mU/L   |
| 9am cortisol | 480   | nmol/L         |

CXR: right-sided effusion, possible right hilar mass. CT booked.

### What we have done

1. Fluid restriction to 1 L/day, daily sodium.
2. Stopped the thiazide-like diuretic (see above).
3. Diagnostic tap: exudate by Light's criteria, cytology pending.
4. Referred to the lung cancer MDT via https://example.org/referrals/lung.

> Working diagnosis: SIADH secondary to a probable small-cell carcinoma.

### Questions

- Would you start ` + "`tolvaptan`" + ` now or wait for histology?
- Any role for urea tablets while he is an inpatient?
- How fast would you let the sodium rise given it is probably chronic (>48 h)?

@Dr_Okafor you saw a similar case last month — keen to hear how it went.
Guideline we are following: [Hyponatraemia guideline](https://example.org/guidelines/hyponatraemia "Hyponatraemia").
`

func BenchmarkRender(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(casePost)))
	for b.Loop() {
		Render(casePost)
	}
}

func BenchmarkMentions(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Mentions(casePost)
	}
}
