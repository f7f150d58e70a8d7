package storage

import (
	"claimtrail/domain"
	"claimtrail/domain/match"
)

// searchedStates are the states whose claims are indexed for matching
// (migration 100) and search.
var searchedStates = []domain.ClaimState{domain.StateQueued, domain.StateInReview, domain.StateSubmitted, domain.StateApproved}

// maxSimilar is how many similar claims a claim page shows.
const maxSimilar = 3

// similarLimit is how many of the matcher's best a claim's similar claims
// are chosen from: the accepted claims among them, imported checks aside.
const similarLimit = 4 * maxSimilar

// similarOf picks, from a claim's matches best first (matchText with at
// least similarLimit), up to maxSimilar accepted claims among the first
// similarLimit.
func similarOf(found []match.Found) []*domain.SimilarClaim {
	var similar []*domain.SimilarClaim
	for _, f := range found[:min(len(found), similarLimit)] {
		if f.Kind != match.KindClaim || len(similar) == maxSimilar {
			continue
		}
		similar = append(similar, &domain.SimilarClaim{ID: f.ID, Text: f.Claim, State: f.State, Rating: f.Rating,
			ArticleTitle: f.ArticleTitle, Overlap: f.Score})
	}
	return similar
}
