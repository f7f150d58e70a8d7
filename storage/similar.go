package storage

import (
	"context"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// searchedStates are the states whose claims are indexed for matching
// (migration 100) and search.
var searchedStates = []domain.ClaimState{domain.StateQueued, domain.StateInReview, domain.StateSubmitted, domain.StateApproved}

// maxSimilar is how many similar claims a claim page shows.
const maxSimilar = 3

// similarClaims finds up to maxSimilar accepted claims, other than c, that
// the matcher finds the same as c or related to it, best first.
func similarClaims(ctx context.Context, tx *Tx, c *domain.Claim) ([]*domain.SimilarClaim, error) {
	found, err := matchText(ctx, tx, match.Analyse(c.Text, c.Claimant), claimDoc(c.ID), 4*maxSimilar)
	if err != nil {
		return nil, err
	}
	var similar []*domain.SimilarClaim
	for _, f := range found {
		if f.Kind != match.KindClaim || len(similar) == maxSimilar {
			continue
		}
		similar = append(similar, &domain.SimilarClaim{ID: f.ID, Text: f.Claim, State: f.State, Rating: f.Rating,
			ArticleTitle: f.ArticleTitle, Overlap: f.Score})
	}
	return similar, nil
}
