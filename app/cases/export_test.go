package cases

import "curbside/app/db"

// RiderCases is how many cases a list rider (ListRider) read from the
// database with the session lookup: none when it only checked a kept list.
func RiderCases(r db.Rider) int {
	if lr, ok := r.(*listRider); ok && lr.read != nil {
		return len(lr.read.cases)
	}
	return 0
}
