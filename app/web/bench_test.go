package web_test

import (
	"net/http"
	"testing"
	"time"

	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// BenchmarkSignedInPage measures a signed-in page against /healthz on the
// same server, so the ratio shows what sessions, CSRF and rendering cost
// over the bare HTTP round trip, whatever the machine.
func BenchmarkSignedInPage(b *testing.B) {
	app := webtest.New(b)
	c, _ := app.As(identity.StatusVerified, identity.RoleMember, "cardiology")
	anon := app.Client()
	baseline := webtest.TimePerOp(200, func() { anon.Get("/healthz").Expect(http.StatusOK) })
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		c.Get("/cases").Expect(http.StatusOK)
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(baseline), "x-healthz")
}
