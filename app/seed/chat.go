package seed

import (
	"context"
	"fmt"

	"curbside/app/chat"
	"curbside/app/identity"
)

// demoChatLines start the general room and the cardiology lounge, so the
// chat shows a conversation on a first look. Each has its own client id,
// so seeding again stores nothing twice.
var demoChatLines = []struct{ From, Room, Body string }{
	{"family", "general", "Morning all. Anyone else seeing a run of **RSV** in adults this week?"},
	{"cardiology", "general", "A few on the wards here, mostly over 65. Worth keeping in mind with new wheeze and a normal chest film."},
	{"dermatology", "general", "Same in clinic: two viral exanthems yesterday. @maya-chen, is the heart failure clinic seeing decompensations with it?"},
	{"cardiology", "general", "Yes: three admissions this week. Low threshold to check weights and diuretic doses."},
	{"cardiology", "lounge-cardiology", "Journal club on Thursday: the new HFpEF trial. Bring questions."},
}

// demoChat posts the demo conversation, once.
func demoChat(ctx context.Context, svc *chat.Service, viewers map[string]*identity.Viewer) error {
	for i, line := range demoChatLines {
		_, err := svc.Send(ctx, viewers[line.From], chat.Outgoing{Room: line.Room, Body: line.Body, ClientID: fmt.Sprintf("demo-%d", i+1)})
		if err != nil {
			return fmt.Errorf("demo chat line %d: %w", i+1, err)
		}
	}
	return nil
}
