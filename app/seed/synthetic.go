package seed

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"gorm.io/gorm"

	"curbside/app/db"
)

// syntheticWords are what synthetic posts are made of: clinical vocabulary,
// so full-text search meets realistic term frequencies, rare and common.
var syntheticWords = []string{
	"patient", "presented", "with", "chest", "pain", "dyspnoea", "fever", "cough", "fatigue", "syncope", "palpitations",
	"headache", "seizure", "rash", "pruritus", "nausea", "vomiting", "diarrhoea", "abdominal", "jaundice", "oedema",
	"hypertension", "diabetes", "asthma", "copd", "heart", "failure", "atrial", "fibrillation", "stroke", "sepsis",
	"pneumonia", "anaemia", "thrombocytopenia", "hyponatraemia", "hyperkalaemia", "troponin", "creatinine", "lactate",
	"ecg", "echocardiogram", "ct", "mri", "ultrasound", "biopsy", "culture", "antibiotics", "steroids", "anticoagulation",
	"insulin", "metformin", "statin", "beta-blocker", "diuretic", "opioid", "referral", "follow-up", "discharge", "admission",
	"worsening", "improving", "chronic", "acute", "recurrent", "bilateral", "left", "right", "mild", "severe", "moderate",
	"would", "you", "recommend", "consider", "start", "stop", "increase", "reduce", "monitor", "repeat", "what", "next",
	"sarcoidosis", "amyloidosis", "vasculitis", "myasthenia", "pheochromocytoma", "porphyria", "wilson", "kawasaki",
	"endocarditis", "pericarditis", "myocarditis", "cholangitis", "pancreatitis", "nephrotic", "glomerulonephritis",
}

// Synthetic builds a large data set for benchmarks: verified members across
// the specialties, n cases over the past year, and a long-tailed number of
// replies (most cases few, some up to 200; about nine on average), and a
// consult for every ten cases, in batched statements that PostgreSQL fills
// itself.
func Synthetic(ctx context.Context, gdb *gorm.DB, n int, out io.Writer) error {
	start := time.Now()
	members := max(50, n/100)
	conn := gdb.WithContext(ctx)
	err := db.Tx(ctx, gdb, func(ctx context.Context) error {
		tx := db.Conn(ctx, gdb)
		return tx.Exec(`INSERT INTO users (email, handle, display_name, status, specialty_id)
			SELECT 'synthetic-' || g || '-' || floor(random() * 1e9)::bigint || '@synthetic.curbside.test',
				'synthetic-' || g || '-' || floor(random() * 1e9)::bigint, 'Dr. Synthetic ' || g, 'verified',
				(SELECT id FROM specialties ORDER BY id OFFSET g % 25 LIMIT 1)
			FROM generate_series(1, ?) AS g`, members).Error
	})
	if err != nil {
		return fmt.Errorf("synthetic members: %w", err)
	}
	const batch = 2000
	var posts int64
	for done := 0; done < n; done += batch {
		size := min(batch, n-done)
		var replies int64
		err := db.Tx(ctx, gdb, func(ctx context.Context) error {
			return syntheticBatch(ctx, db.Conn(ctx, gdb), size, &replies)
		})
		if err != nil {
			return fmt.Errorf("synthetic cases: %w", err)
		}
		posts += int64(size) + replies
		fmt.Fprintf(out, "synthetic cases %d/%d, posts %d, %s\n", done+size, n, posts, time.Since(start).Round(time.Second))
	}
	if err := conn.Exec("ANALYZE cases; ANALYZE replies; ANALYZE case_tags").Error; err != nil {
		return err
	}
	consults := max(10, n/10)
	if err := syntheticConsults(ctx, gdb, consults); err != nil {
		return err
	}
	fmt.Fprintf(out, "synthetic data: %d members, %d cases, %d posts, %d consults in %s\n", members, n, posts, consults,
		time.Since(start).Round(time.Second))
	return nil
}

// syntheticBatch inserts size cases by random synthetic authors, their tags
// and their replies, and reports how many replies it made.
func syntheticBatch(ctx context.Context, tx *gorm.DB, size int, replies *int64) error {
	// One array literal, not a Go slice, which GORM would spread into a list.
	words := "{" + strings.Join(syntheticWords, ",") + "}"
	count := len(syntheticWords)
	if err := tx.Exec("CREATE TEMP TABLE synthetic_new (id bigint, n int) ON COMMIT DROP").Error; err != nil {
		return err
	}
	err := tx.Exec(`WITH authors AS (SELECT array_agg(id) AS ids FROM users WHERE email LIKE 'synthetic-%'),
		made AS (
			INSERT INTO cases (author_id, specialty_id, title, body, body_html, anonymous, reply_count, created_at, last_activity_at)
			SELECT a.ids[1 + floor(random() * array_length(a.ids, 1))::int], 1 + floor(random() * 25)::int,
				initcap(t.title), b.body, '<p>' || b.body || '</p>', random() < 0.1, 0, c.at, c.at
			FROM generate_series(1, ?) AS g CROSS JOIN authors a
			CROSS JOIN LATERAL (SELECT now() - random() * interval '365 days' + g * interval '0 second' AS at) c
			CROSS JOIN LATERAL (SELECT string_agg((?::text[])[1 + floor(random() * ?)::int], ' ') AS title
				FROM generate_series(1, 4 + (random() * 6)::int + g * 0)) t
			CROSS JOIN LATERAL (SELECT string_agg((?::text[])[1 + floor(random() * ?)::int], ' ') AS body
				FROM generate_series(1, 40 + (random() * 120)::int + g * 0)) b
			RETURNING id)
		INSERT INTO synthetic_new SELECT id, floor(201 * power(random(), 21))::int FROM made`,
		size, words, count, words, count).Error
	if err != nil {
		return err
	}
	steps := []string{
		`INSERT INTO case_tags (case_id, tag) SELECT DISTINCT n.id, (ARRAY['cardiology-case','rare','imaging','rural','pediatric','pharmacology','diagnosis','ethics'])[1 + floor(random() * 8)::int]
			FROM synthetic_new n, generate_series(1, 2) WHERE random() < 0.6 ON CONFLICT DO NOTHING`,
		`INSERT INTO replies (case_id, author_id, body, body_html, anonymous, helpful_count, created_at)
			SELECT n.id, a.ids[1 + floor(random() * array_length(a.ids, 1))::int], b.body, '<p>' || b.body || '</p>', random() < 0.05,
				floor(power(random(), 4) * 20)::int, c.created_at + r * interval '37 minutes'
			FROM synthetic_new n JOIN cases c ON c.id = n.id CROSS JOIN generate_series(1, 200) AS r
			CROSS JOIN (SELECT array_agg(id) AS ids FROM users WHERE email LIKE 'synthetic-%') a
			CROSS JOIN LATERAL (SELECT string_agg((?::text[])[1 + floor(random() * ?)::int], ' ') AS body
				FROM generate_series(1, 10 + (random() * 50)::int + r * 0)) b
			WHERE r <= n.n`,
		`UPDATE cases c SET reply_count = n.n, last_activity_at = c.created_at + n.n * interval '37 minutes'
			FROM synthetic_new n WHERE c.id = n.id AND n.n > 0`,
	}
	for i, q := range steps {
		var args []any
		if i == 1 {
			args = []any{words, count}
		}
		if err := tx.Exec(q, args...).Error; err != nil {
			return err
		}
	}
	return tx.Raw("SELECT coalesce(sum(n), 0) FROM synthetic_new").Row().Scan(replies)
}

// syntheticConsults files n consults by synthetic members over the past
// year, in every status in about the shares a busy service sees, each claimed
// one by a member of its specialty, with a short thread and its timeline.
func syntheticConsults(ctx context.Context, gdb *gorm.DB, n int) error {
	return db.Tx(ctx, gdb, func(ctx context.Context) error {
		tx := db.Conn(ctx, gdb)
		steps := []string{
			`CREATE TEMP TABLE synthetic_consults ON COMMIT DROP AS
			SELECT g, s.id AS specialty_id, now() - random() * interval '365 days' AS at, ((g * 37) % 100) / 100.0 AS fate,
				interval '5 minutes' + power(random(), 3) * interval '2 days' AS to_claim,
				interval '10 minutes' + power(random(), 3) * interval '3 days' AS to_answer
			FROM generate_series(1, ?) AS g
			CROSS JOIN LATERAL (SELECT id FROM specialties ORDER BY id OFFSET (g * 7) % 25 LIMIT 1) s`,
			`INSERT INTO consults (requester_id, specialty_id, urgency, question, summary, summary_html, status, consultant_id,
				created_at, first_claimed_at, answered_at, closed_at, rating, referral)
			SELECT r.id, c.specialty_id, CASE WHEN c.fate < 0.15 THEN 'urgent' ELSE 'routine' END,
				'Synthetic consult ' || c.g || ': what would you recommend?', 'Synthetic summary.', '<p>Synthetic summary.</p>', st.status,
				CASE WHEN st.status IN ('claimed', 'answered', 'closed') THEN sp.id END, c.at,
				CASE WHEN st.status IN ('claimed', 'answered', 'closed') THEN c.at + c.to_claim END,
				CASE WHEN st.status IN ('answered', 'closed') THEN c.at + c.to_claim + c.to_answer END,
				CASE WHEN st.status = 'closed' THEN c.at + c.to_claim + c.to_answer + interval '1 day' END,
				CASE WHEN st.status = 'closed' THEN 3 + floor(random() * 3)::int END,
				CASE WHEN st.status = 'closed' THEN (ARRAY['avoided', 'avoided', 'still_needed', 'not_considered'])[1 + floor(random() * 4)::int] END
			FROM synthetic_consults c
			CROSS JOIN LATERAL (SELECT CASE WHEN c.fate < 0.2 THEN 'open' WHEN c.fate < 0.35 THEN 'claimed'
				WHEN c.fate < 0.5 THEN 'answered' WHEN c.fate < 0.95 THEN 'closed' ELSE 'withdrawn' END AS status) st
			CROSS JOIN LATERAL (SELECT id FROM users WHERE email LIKE 'synthetic-%' AND specialty_id <> c.specialty_id
				ORDER BY id OFFSET c.g % 20 LIMIT 1) r
			LEFT JOIN LATERAL (SELECT id FROM users WHERE email LIKE 'synthetic-%' AND specialty_id = c.specialty_id
				ORDER BY id OFFSET c.g % 2 LIMIT 1) sp ON true`,
			`INSERT INTO consult_messages (consult_id, author_id, body, body_html, is_answer, created_at)
			SELECT c.id, CASE WHEN m % 2 = 1 THEN c.consultant_id ELSE c.requester_id END, 'Synthetic message ' || m,
				'<p>Synthetic message ' || m || '</p>', c.answered_at IS NOT NULL AND m = 1,
				coalesce(c.answered_at, c.first_claimed_at) + m * interval '1 hour'
			FROM consults c CROSS JOIN generate_series(1, 4) AS m
			WHERE c.question LIKE 'Synthetic consult %' AND c.consultant_id IS NOT NULL AND m <= 1 + c.id % 4`,
			`INSERT INTO consult_events (consult_id, actor_id, action, from_status, to_status, created_at)
			SELECT c.id, e.actor, e.action, e.from_status, e.to_status, e.at
			FROM consults c CROSS JOIN LATERAL (VALUES
				(c.requester_id, 'requested', NULL, 'open', c.created_at),
				(c.consultant_id, 'claimed', 'open', 'claimed', c.first_claimed_at),
				(c.consultant_id, 'answered', 'claimed', 'answered', c.answered_at),
				(c.requester_id, 'closed', 'answered', 'closed', c.closed_at),
				(CASE WHEN c.status = 'withdrawn' THEN c.requester_id END, 'withdrawn', 'open', 'withdrawn', c.created_at + interval '1 hour')
			) AS e(actor, action, from_status, to_status, at)
			WHERE c.question LIKE 'Synthetic consult %' AND e.actor IS NOT NULL AND e.at IS NOT NULL`,
			`ANALYZE consults; ANALYZE consult_messages; ANALYZE consult_events`,
		}
		for i, q := range steps {
			var args []any
			if i == 0 {
				args = []any{n}
			}
			if err := tx.Exec(q, args...).Error; err != nil {
				return fmt.Errorf("synthetic consults: %w", err)
			}
		}
		return nil
	})
}
