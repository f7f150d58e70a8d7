package match

import "claimtrail/domain"

// OffersAppearance reports whether a candidate matched as f should be
// offered, when accepted, as a new appearance of an approved check of ours
// rather than queued to be checked again: the same claim, already approved.
func OffersAppearance(f *Found) bool {
	return f != nil && f.Kind == KindClaim && f.Tier == TierSame && f.State == domain.StateApproved
}
