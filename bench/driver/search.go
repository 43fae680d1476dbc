package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"curbside/bench/internal/benchenv"
)

// searchTerms rotate through the search benchmark: rare words, common ones
// and phrases, as members type them.
var searchTerms = []string{
	"sarcoidosis", "amyloidosis", "porphyria", "kawasaki", "pheochromocytoma", "wilson", "vasculitis", "myasthenia",
	"endocarditis", "pericarditis", "myocarditis", "cholangitis", "pancreatitis", "nephrotic", "glomerulonephritis",
	"chest pain", "fever cough", "heart failure", "atrial fibrillation", "sepsis", "pneumonia", "syncope", "stroke",
	"troponin", "creatinine", "lactate", "anticoagulation", "insulin", "metformin", "statin", "\"chest pain\"",
	"diabetes -insulin", "severe hyponatraemia", "recurrent syncope", "biopsy", "ultrasound", "mri", "rash pruritus",
	"patient", "what next",
}

// searchSettings: BENCH_SEARCH_CASES synthetic cases (0 skips the step).
func searchCases() int {
	n := 20000
	if v := os.Getenv("BENCH_SEARCH_CASES"); v != "" {
		fmt.Sscan(v, &n)
	}
	return n
}

// benchSearch fills the bench database with synthetic cases (about ten
// posts each), reports how long that took, then loads /search with the
// rotating terms and reports its latency against the target.
func benchSearch(ctx context.Context, bins string, env []string, base, cookie string, seconds time.Duration) error {
	n := searchCases()
	if n <= 0 {
		return nil
	}
	progress(fmt.Sprintf("search: seeding %d synthetic cases", n))
	start := time.Now()
	cmd := exec.CommandContext(ctx, filepath.Join(bins, "curbside"), "seed", "--synthetic", "--cases", fmt.Sprint(n))
	cmd.Env, cmd.Dir = env, bins
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("seed --synthetic: %w: %s", err, benchenv.LastLine(out))
	}
	seeded := time.Since(start)
	vary := make([]string, len(searchTerms))
	for i, t := range searchTerms {
		vary[i] = "q=" + url.QueryEscape(t)
	}
	summary := "?"
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "synthetic data:") {
			summary = strings.TrimPrefix(line, "synthetic data: ")
		}
	}
	fmt.Printf("\nSearch over synthetic data (%s; seeding took %s), %d terms in turn\n\n", summary, seeded.Round(time.Second), len(searchTerms))
	fmt.Println("| clients | req/s | p50 ms | p99 ms | p99 target |")
	fmt.Println("|--:|--:|--:|--:|---|")
	for _, c := range []int{1, 4} {
		load := exec.CommandContext(ctx, filepath.Join(bins, "load"), "-url", base+"/search", "-vary", strings.Join(vary, ","),
			"-c", fmt.Sprint(c), "-d", seconds.String(), "-warmup", "1s", "-cookie", cookie)
		var stdout, stderr bytes.Buffer
		load.Stdout, load.Stderr = &stdout, &stderr
		if err := load.Run(); err != nil {
			return fmt.Errorf("search load: %w: %s", err, benchenv.LastLine(stderr.Bytes()))
		}
		var res loadResult
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			return err
		}
		verdict := "ok"
		if res.P99ms >= 100 {
			verdict = "MISS"
		}
		fmt.Printf("| %d | %.0f | %.1f | %.1f | < 100 ms: %s |\n", c, res.RPS, res.P50ms, res.P99ms, verdict)
	}
	return nil
}
