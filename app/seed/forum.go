package seed

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"curbside/app/cases"
	"curbside/app/identity"
)

// demoForum posts the demo cases, their replies, marks and outcomes, once:
// when the first demo case exists, it does nothing.
func demoForum(ctx context.Context, forum *cases.Service, flags Flagger, viewers map[string]*identity.Viewer) error {
	if done, err := forum.Exists(ctx, viewers[demoCases[0].Author], demoCases[0].Title); err != nil || done {
		return err
	}
	meta := identity.Meta{}
	for _, dc := range demoCases {
		author := viewers[dc.Author]
		in := cases.NewCase{Title: dc.Title, Body: dc.Body, Specialty: dc.Specialty, Tags: dc.Tags, AgeBand: dc.AgeBand,
			Sex: dc.Sex, CareSetting: dc.Setting, Anonymous: dc.Anonymous}
		if dc.WithImage {
			in.Images = []cases.Upload{{Name: "plaque.png", Data: demoImage()}}
		}
		id, err := forum.Create(ctx, author, in, meta)
		if err != nil {
			return fmt.Errorf("demo case %q: %w", dc.Title, err)
		}
		for i, r := range dc.Replies {
			rid, err := forum.AddReply(ctx, viewers[r.Author], id, cases.NewReply{Body: r.Body}, meta)
			if err != nil {
				return fmt.Errorf("demo reply to %q: %w", dc.Title, err)
			}
			for _, who := range r.HelpfulFrom {
				if _, _, _, err := forum.ToggleHelpful(ctx, viewers[who], rid); err != nil {
					return err
				}
			}
			if i == dc.Accepted {
				if err := forum.Accept(ctx, author, id, rid); err != nil {
					return err
				}
			}
		}
		if dc.Outcome != "" {
			if err := forum.SetOutcome(ctx, author, id, dc.Outcome, false, meta); err != nil {
				return err
			}
		}
		if f := dc.Flag; f != nil {
			if err := flags.Flag(ctx, viewers[f.From], "case", id, f.Reason); err != nil {
				return fmt.Errorf("demo flag on %q: %w", dc.Title, err)
			}
		}
	}
	return nil
}

// Flagger files a member's flag for the moderators.
type Flagger interface {
	Flag(ctx context.Context, v *identity.Viewer, kind string, id int64, reason string) error
}

// demoImage draws a plaque-like ring, so the demo shows an attached image.
func demoImage() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	skin := color.RGBA{232, 196, 170, 255}
	ring := color.RGBA{178, 84, 76, 255}
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			dx, dy := x-160, y-120
			d := dx*dx + dy*dy
			if d > 60*60 && d < 80*80 {
				img.Set(x, y, ring)
			} else {
				img.Set(x, y, skin)
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // encoding to memory does not fail
	return buf.Bytes()
}
