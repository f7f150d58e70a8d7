package storage

import (
	"context"

	"claimtrail/domain"
)

// Changed is a claim and its verdict as a change left them, noted from
// inside the change's own transaction: the JSON API answers every change
// with both, and reading them again afterwards cost a read transaction and
// three queries per change, more than some of the changes themselves. A
// caller asks for it with WithChanged; methods that do not note it leave it
// empty (Known reports false), and the caller reads the claim instead.
type Changed struct {
	Claim   *domain.Claim
	Verdict *domain.Verdict // nil: the claim has no verdict
	Rating  string          // the name of the verdict's rating; "" when none is chosen
}

// Known reports whether the change noted the claim.
func (c *Changed) Known() bool { return c != nil && c.Claim != nil }

type changedKey struct{}

// WithChanged returns a context whose change (TakeNext, ReplaceVerdict,
// SaveVerdict, SubmitVerdict, ApproveVerdict, ReturnVerdict) fills in the
// returned Changed once it succeeds.
func WithChanged(ctx context.Context) (context.Context, *Changed) {
	c := &Changed{}
	return context.WithValue(ctx, changedKey{}, c), c
}

// noteChanged fills in the Changed that ctx asks for, if any, with the claim
// and verdict as this transaction leaves them. rating is the verdict's
// rating when the caller has it at hand (nil: looked up).
func noteChanged(ctx context.Context, tx *Tx, c *domain.Claim, v *domain.Verdict, rating *domain.Rating) error {
	out, _ := ctx.Value(changedKey{}).(*Changed)
	if out == nil {
		return nil
	}
	var name string
	if v != nil && v.RatingID != 0 {
		if rating != nil && rating.ID == v.RatingID {
			name = rating.Name
		} else {
			var err error
			if name, err = ratingName(ctx, tx, v.RatingID); err != nil {
				return err
			}
		}
	}
	cc := *c
	var vv *domain.Verdict
	if v != nil {
		vc := *v
		vv = &vc
	}
	*out = Changed{Claim: &cc, Verdict: vv, Rating: name}
	return nil
}

// wantsChanged reports whether ctx asks for the change's claim and verdict.
func wantsChanged(ctx context.Context) bool {
	out, _ := ctx.Value(changedKey{}).(*Changed)
	return out != nil
}
