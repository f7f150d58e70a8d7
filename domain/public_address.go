package domain

import "strings"

// PublicAddress is the site's address in everything claimtrail publishes
// (ClaimReview, the feed, exported links): the admin's setting, else the
// address it was started with. It is never the Host a request came in on,
// which any client can write, so that a shared cache cannot be made to keep
// pages linking to another site. "" means none is set, and public output
// that needs one is held back (ErrNoPublicAddress).
func PublicAddress(setting, startedWith string) string {
	if setting != "" {
		return strings.TrimRight(setting, "/")
	}
	return strings.TrimRight(startedWith, "/")
}

// ErrNoPublicAddress refuses public output that needs the site's address
// before one is set.
var ErrNoPublicAddress = &Error{Code: ECONFLICT,
	Message: "This newsroom has not set its site's public address yet (Publishing settings), so the feed is not published."}
