// Package seed fills a database with demo accounts and sample content.
package seed

import (
	"context"
	"errors"
	"fmt"
	"io"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/cases"
	"curbside/app/chat"
	"curbside/app/consults"
	"curbside/app/identity"
)

// DemoAccount is one account that `seed --demo` makes.
type DemoAccount struct {
	Email, Password, Name, Role, Status, Specialty string
}

// DemoAccounts are the demo accounts, in the order they are printed.
var DemoAccounts = []DemoAccount{
	{"admin@demo.curbside.test", "demo-admin-password", "Dr. Alex Admin", identity.RoleAdmin, identity.StatusVerified, "internal-medicine"},
	{"moderator@demo.curbside.test", "demo-moderator-password", "Dr. Morgan Reyes", identity.RoleModerator, identity.StatusVerified, "family-medicine"},
	{"cardiology@demo.curbside.test", "demo-member-password", "Dr. Maya Chen", identity.RoleMember, identity.StatusVerified, "cardiology"},
	{"family@demo.curbside.test", "demo-member-password", "Dr. Sam Okafor", identity.RoleMember, identity.StatusVerified, "family-medicine"},
	{"dermatology@demo.curbside.test", "demo-member-password", "Dr. Priya Nair", identity.RoleMember, identity.StatusVerified, "dermatology"},
	{"newcomer@demo.curbside.test", "demo-member-password", "Dr. Jamie Lee", identity.RoleMember, identity.StatusUnverified, ""},
}

// Demo creates the demo accounts that do not exist yet, prints every one of
// them, and starts the forum with the demo cases. Running it again changes
// nothing and prints the same lines.
func Demo(ctx context.Context, acct *accounts.Service, forum *cases.Service, flags Flagger, consultSvc *consults.Service, chatSvc *chat.Service,
	out io.Writer) error {
	for _, d := range DemoAccounts {
		_, err := acct.ByEmail(ctx, d.Email)
		if errors.Is(err, apperr.ErrNotFound) {
			_, err = acct.Create(ctx, accounts.NewAccount{Email: d.Email, Password: d.Password, DisplayName: d.Name,
				Role: d.Role, Status: d.Status, Specialty: d.Specialty}, 0, accounts.Meta{})
		}
		if err != nil {
			return fmt.Errorf("demo account %s: %w", d.Email, err)
		}
		fmt.Fprintf(out, "demo account email=%s password=%s role=%s status=%s\n", d.Email, d.Password, d.Role, d.Status)
	}
	viewers, err := demoViewers(ctx, acct)
	if err != nil {
		return err
	}
	if err := demoForum(ctx, forum, flags, viewers); err != nil {
		return err
	}
	if err := demoConsults(ctx, consultSvc, viewers); err != nil {
		return err
	}
	return demoChat(ctx, chatSvc, viewers)
}

// demoViewers are the demo accounts as the rules see them, by the local
// part of their e-mail address.
func demoViewers(ctx context.Context, acct *accounts.Service) (map[string]*identity.Viewer, error) {
	viewers := map[string]*identity.Viewer{}
	for _, d := range DemoAccounts {
		u, err := acct.ByEmail(ctx, d.Email)
		if err != nil {
			return nil, err
		}
		local := d.Email[:len(d.Email)-len("@demo.curbside.test")]
		viewers[local] = u.Viewer()
	}
	return viewers, nil
}
