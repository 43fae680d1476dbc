package seed

import (
	"context"
	"fmt"

	"curbside/app/consults"
	"curbside/app/identity"
)

// demoConsult is a consult of the demo, taken as far as its status.
type demoConsult struct {
	Asker, Specialist string // demo accounts, by the local part of their e-mail
	consults.NewConsult
	Status   string
	Messages []demoMessage
	Survey   consults.Survey
}

type demoMessage struct {
	FromSpecialist bool
	Body           string
	Answer         bool
}

// demoConsultList has a consult in every status, so the queue, a thread and
// the close-out show something on a first look.
var demoConsultList = []demoConsult{
	{Asker: "family", Status: consults.StatusOpen, NewConsult: consults.NewConsult{Specialty: "cardiology", Urgency: consults.Urgent,
		Question: "New LBBB on a pre-operative ECG, no symptoms: does surgery need to wait for an echo?",
		Summary:  "Scheduled for an elective hernia repair. Walks two miles daily without symptoms. No prior ECG for comparison.",
		AgeBand:  "60-69", Sex: "male", History: "Hypertension, well controlled.", Medications: "Amlodipine 5 mg daily",
		Results: "ECG: sinus rhythm 72/min, QRS 146 ms, LBBB morphology."}},
	{Asker: "family", Status: consults.StatusOpen, NewConsult: consults.NewConsult{Specialty: "dermatology", Urgency: consults.Routine,
		Question: "Pigmented lesion on the back that changed over a year: biopsy here or refer?",
		Summary:  "6 mm, asymmetric, two shades of brown; the patient's partner noticed it growing.", AgeBand: "40-49", Sex: "female"}},
	{Asker: "family", Specialist: "cardiology", Status: consults.StatusClaimed, NewConsult: consults.NewConsult{Specialty: "cardiology",
		Urgency: consults.Routine, Question: "Statin intolerance with myalgias on two statins: what next for secondary prevention?",
		Summary: "Myocardial infarction three years ago. LDL 3.4 mmol/L off treatment.", AgeBand: "50-59", Sex: "female",
		Medications: "Aspirin, bisoprolol, ramipril"},
		Messages: []demoMessage{{true, "Were the myalgias confirmed on re-challenge, and was the CK raised at any point?", false}}},
	{Asker: "family", Specialist: "cardiology", Status: consults.StatusAnswered, NewConsult: consults.NewConsult{Specialty: "cardiology",
		Urgency: consults.Routine, Question: "Paroxysmal AF in a 70-year-old with a CHA2DS2-VASc of 2: anticoagulate?",
		AgeBand: "70-79", Sex: "male", History: "Hypertension. No bleeding history.", Results: "eGFR 68, Hb 142"},
		Messages: []demoMessage{
			{true, "Yes: with a score of 2 in a man the benefit outweighs the bleeding risk.\n\n- Start a **DOAC** (apixaban 5 mg twice daily at this eGFR).\n- Review bleeding risk factors yearly.", true},
			{false, "Thank you: and rate control meanwhile?", false},
			{true, "Only if symptomatic or fast on the monitor; bisoprolol 2.5 mg is a good start.", false}}},
	{Asker: "family", Specialist: "dermatology", Status: consults.StatusClosed, NewConsult: consults.NewConsult{Specialty: "dermatology",
		Urgency: consults.Routine, Question: "Recurrent annular rash, KOH negative: what would you try?", AgeBand: "30-39", Sex: "female"},
		Messages: []demoMessage{{true, "Sounds like **granuloma annulare**. Reassure; a potent topical steroid under occlusion for 4 weeks if she wants treatment. No referral needed unless it spreads.", true}},
		Survey:   consults.Survey{Rating: "5", Referral: consults.ReferralAvoided, Comment: "Saved her a 3-hour drive."}},
	{Asker: "dermatology", Status: consults.StatusWithdrawn, NewConsult: consults.NewConsult{Specialty: "cardiology",
		Urgency: consults.Routine, Question: "Isotretinoin and a borderline QTc: safe to start?"}},
}

// demoConsults files the demo consults and moves each to its status, once:
// when the first exists, it does nothing.
func demoConsults(ctx context.Context, svc *consults.Service, viewers map[string]*identity.Viewer) error {
	if done, err := svc.Asked(ctx, viewers[demoConsultList[0].Asker], demoConsultList[0].Question); err != nil || done {
		return err
	}
	meta := identity.Meta{}
	for _, dc := range demoConsultList {
		asker, specialist := viewers[dc.Asker], viewers[dc.Specialist]
		id, err := svc.Request(ctx, asker, dc.NewConsult, meta)
		if err != nil {
			return fmt.Errorf("demo consult %q: %w", dc.Question, err)
		}
		if dc.Status == consults.StatusWithdrawn {
			if err := svc.Withdraw(ctx, asker, id); err != nil {
				return err
			}
			continue
		}
		if specialist == nil {
			continue
		}
		if err := svc.Claim(ctx, specialist, id); err != nil {
			return err
		}
		for _, m := range dc.Messages {
			from := asker
			if m.FromSpecialist {
				from = specialist
			}
			if _, err := svc.Post(ctx, from, id, consults.NewMessage{Body: m.Body, Answer: m.Answer}, meta); err != nil {
				return fmt.Errorf("demo consult message: %w", err)
			}
		}
		if dc.Status == consults.StatusClosed {
			if err := svc.Close(ctx, asker, id, dc.Survey, meta); err != nil {
				return err
			}
		}
	}
	return nil
}
