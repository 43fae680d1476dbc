package accounts_test

import "curbside/app/accounts"

func accountsMeta() accounts.Meta { return accounts.Meta{IP: "192.0.2.1"} }
