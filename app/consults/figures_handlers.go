package consults

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// figuresPeriod is one period of the moderators' turnaround page.
type figuresPeriod struct {
	Days    int
	Figures []Figures
}

// figures is /mod/consults: each specialty's turnaround over the last 30
// and 90 days.
func (h *Handlers) figures(c echo.Context) error {
	ctx := c.Request().Context()
	var periods []figuresPeriod
	for _, days := range []int{30, 90} {
		f, err := h.svc.Turnaround(ctx, h.svc.now().Add(-time.Duration(days)*24*time.Hour))
		if err != nil {
			return err
		}
		periods = append(periods, figuresPeriod{Days: days, Figures: f})
	}
	return c.Render(http.StatusOK, "mod_consults", periods)
}
