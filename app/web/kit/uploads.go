package kit

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Upload is a file a form sent, read whole unless it is over the limit.
type Upload struct {
	Name     string
	Data     []byte
	TooLarge bool // over the limit: Data is empty, so the rules can say so
}

// Uploads reads the files a multipart form sends in field, each up to max
// bytes. A plain form, and the empty file input browsers send, have none.
func Uploads(c echo.Context, field string, max int64) ([]Upload, error) {
	form, err := c.MultipartForm()
	if errors.Is(err, http.ErrNotMultipart) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var out []Upload
	for _, fh := range form.File[field] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		up := Upload{Name: fh.Filename}
		if fh.Size > max {
			up.TooLarge = true
		} else {
			f, err := fh.Open()
			if err != nil {
				return nil, err
			}
			up.Data, err = io.ReadAll(io.LimitReader(f, max+1))
			f.Close()
			if err != nil {
				return nil, err
			}
			up.TooLarge = int64(len(up.Data)) > max
		}
		out = append(out, up)
	}
	return out, nil
}
