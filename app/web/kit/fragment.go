package kit

import (
	"errors"
	"html/template"

	"github.com/labstack/echo/v4"
)

// FragmentRenderer renders a shared partial on its own.
type FragmentRenderer interface {
	RenderFragment(name string, data any) (template.HTML, error)
}

// Fragment renders the partial name with data through the site's renderer,
// escaped exactly as in a page.
func Fragment(c echo.Context, name string, data any) (template.HTML, error) {
	r, ok := c.Echo().Renderer.(FragmentRenderer)
	if !ok {
		return "", errors.New("kit.Fragment: the renderer cannot render fragments")
	}
	return r.RenderFragment(name, data)
}
