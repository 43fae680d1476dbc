package cases

import (
	"context"
	"errors"
	"fmt"

	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/files"
	"curbside/app/identity"
	"curbside/app/media"
)

// thumbSide is the longer side of the thumbnails lists and pages show.
const thumbSide = 480

// decodeSlots bounds how many case images are decoded at once: each may
// take a few hundred megabytes while it is re-encoded.
var decodeSlots = make(chan struct{}, 2)

// cleanedImage is an image re-encoded without metadata, with its thumbnail.
type cleanedImage struct{ full, thumb media.Cleaned }

// cleanImages re-encodes every uploaded image without metadata, or says,
// at the images field, which one could not be used and why.
func cleanImages(ctx context.Context, uploads []Upload) ([]cleanedImage, error) {
	out := make([]cleanedImage, 0, len(uploads))
	for _, up := range uploads {
		select {
		case decodeSlots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		full, thumb, err := media.CleanImageWithThumb(up.Data, media.CaseImageLimits, thumbSide)
		<-decodeSlots
		msg := ""
		switch {
		case errors.Is(err, media.ErrUnsupported):
			msg = "is not a JPEG, PNG or WebP image."
		case errors.Is(err, media.ErrTooLarge):
			msg = "is too large to process (at most 25 megapixels)."
		case err != nil:
			msg = "is damaged or incomplete."
		}
		if msg != "" {
			return nil, apperr.FieldErrors{"images": cleanName(up.Name) + " " + msg}
		}
		out = append(out, cleanedImage{full: full, thumb: thumb})
	}
	return out, nil
}

// storeImages keeps the cleaned images with the case, in order, each with
// its thumbnail as a variant of the file.
func (s *Service) storeImages(ctx context.Context, ownerID, caseID int64, images []cleanedImage) error {
	for i, img := range images {
		info, err := s.files.Put(ctx, files.New{OwnerID: ownerID, ContentType: string(img.full.Kind),
			Filename: fmt.Sprintf("case-%d-%d%s", caseID, i+1, media.ExtFor(img.full.Kind)), Data: img.full.Data})
		if err != nil {
			return err
		}
		w, h := img.thumb.Width, img.thumb.Height
		if err := s.files.PutVariant(ctx, files.Variant{FileID: info.ID, Name: "thumb", ContentType: string(img.thumb.Kind),
			Width: &w, Height: &h, Data: img.thumb.Data}); err != nil {
			return err
		}
		if err := db.Conn(ctx, s.db).Exec("INSERT INTO case_images (case_id, file_id, position) VALUES (?, ?, ?)",
			caseID, info.ID, i).Error; err != nil {
			return fmt.Errorf("attach image: %w", err)
		}
	}
	return nil
}

// Image returns an image of a case (thumb: its thumbnail); the URL names the
// case and the image's place, never a file or its owner, so an anonymous
// case's images say nothing of its author.
// A case a moderator hid keeps its images from members, not from moderators.
func (s *Service) Image(ctx context.Context, v *identity.Viewer, caseID int64, position int, thumb bool) (*files.File, error) {
	var fileID int64
	err := s.db.WithContext(ctx).Raw(`SELECT i.file_id FROM case_images i JOIN cases c ON c.id = i.case_id
		WHERE i.case_id = ? AND i.position = ? AND c.deleted_at IS NULL AND (c.hidden_at IS NULL OR ?)`,
		caseID, position, v.CanModerate()).Row().Scan(&fileID)
	if err != nil {
		return nil, fmt.Errorf("image %d of case %d: %w", position, caseID, apperr.ErrNotFound)
	}
	if thumb {
		return s.files.OpenVariant(ctx, fileID, "thumb")
	}
	return s.files.Open(ctx, fileID)
}
