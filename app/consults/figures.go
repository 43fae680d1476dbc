package consults

import (
	"context"
	"fmt"
	"time"
)

// Figures are a specialty's turnaround over a period, the figures eConsult
// services publish: how fast consults are claimed and answered, and how
// often an answer spared the patient a referral.
type Figures struct {
	Specialty string
	// Requested counts the consults asked in the period (withdrawn ones
	// left out); Claimed and Answered those that got that far.
	Requested, Claimed, Answered int
	// Median and 90th percentile times, over the consults that got there.
	ClaimMedian, ClaimP90, AnswerMedian, AnswerP90 time.Duration
	// Avoided counts the closed consults whose requester said a referral
	// or transfer was avoided; Considered those where one was considered
	// at all (avoided or still needed).
	Avoided, Considered int
}

// AvoidedShare is the share of considered referrals that were avoided, in
// percent, or -1 when none was considered.
func (f Figures) AvoidedShare() int {
	if f.Considered == 0 {
		return -1
	}
	return (200*f.Avoided + f.Considered) / (2 * f.Considered) // rounded
}

// Turnaround computes each specialty's figures over the consults asked
// since the given time, busiest first; percentiles interpolate between
// consults (percentile_cont).
func (s *Service) Turnaround(ctx context.Context, since time.Time) ([]Figures, error) {
	var rows []struct {
		SpecialtyID                                    int16
		Requested, Claimed, Answered                   int
		ClaimMedian, ClaimP90, AnswerMedian, AnswerP90 *float64 // seconds
		Avoided, Considered                            int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT specialty_id,
			count(*) AS requested, count(first_claimed_at) AS claimed, count(answered_at) AS answered,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_claimed_at - created_at)) AS claim_median,
			percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_claimed_at - created_at)) AS claim_p90,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - created_at)) AS answer_median,
			percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - created_at)) AS answer_p90,
			count(*) FILTER (WHERE referral = 'avoided') AS avoided,
			count(*) FILTER (WHERE referral IN ('avoided', 'still_needed')) AS considered
		FROM consults WHERE created_at >= ? AND status <> 'withdrawn'
		GROUP BY specialty_id ORDER BY count(*) DESC, specialty_id`, since).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("consult turnaround: %w", err)
	}
	names, err := s.specialtyNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Figures, 0, len(rows))
	for _, r := range rows {
		out = append(out, Figures{Specialty: names[r.SpecialtyID], Requested: r.Requested, Claimed: r.Claimed, Answered: r.Answered,
			ClaimMedian: seconds(r.ClaimMedian), ClaimP90: seconds(r.ClaimP90),
			AnswerMedian: seconds(r.AnswerMedian), AnswerP90: seconds(r.AnswerP90),
			Avoided: r.Avoided, Considered: r.Considered})
	}
	return out, nil
}

func seconds(s *float64) time.Duration {
	if s == nil {
		return 0
	}
	return time.Duration(*s * float64(time.Second)).Round(time.Second)
}
