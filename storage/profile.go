package storage

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"claimtrail/domain"
)

// profilePage is how many claims (claimant) or articles (outlet) a profile
// page lists.
const profilePage = 50

const profileClaimColumns = `c.id, c.text, c.state, c.claimant, a.id, a.title, a.outlet, coalesce(r.name, ''), v.approved_at, c.created_at`

func scanProfileClaim(row scanner) (domain.ProfileClaim, error) {
	var p domain.ProfileClaim
	var approved sql.NullString
	var created string
	err := row.Scan(&p.ID, &p.Text, &p.State, &p.Claimant, &p.ArticleID, &p.ArticleTitle, &p.Outlet, &p.Rating, &approved, &created)
	p.ApprovedAt, p.CreatedAt = parseNullTime(approved), parseTime(created)
	if p.State != domain.StateApproved {
		// A verdict reopened or in draft is not a rating to show.
		p.Rating = ""
	}
	return p, err
}

// ClaimantProfile reads a claimant's page: every claim attributed to them,
// newest first, 50 at a time from the cursor before ("" for the first).
// A name with no claims is ENOTFOUND.
func (db *DB) ClaimantProfile(ctx context.Context, name, before string) (*domain.Profile, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p := &domain.Profile{Kind: domain.ProfileClaimant, Name: name, States: map[domain.ClaimState]int{}}
	err = eachRow(ctx, tx, func(r scanner) error {
		var state string
		var n int
		if err := r.Scan(&state, &n); err != nil {
			return err
		}
		p.States[domain.ClaimState(state)] = n
		return nil
	}, `SELECT state, count(*) FROM claims INDEXED BY claims_claimant WHERE claimant = ? AND claimant <> '' GROUP BY state`, name)
	if err != nil {
		return nil, err
	}
	if p.Total() == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "No claim in claimtrail is attributed to %s.", name)
	}
	byRating := map[string]int{}
	err = eachRow(ctx, tx, func(r scanner) error {
		var id string
		var n int
		if err := r.Scan(&id, &n); err != nil {
			return err
		}
		byRating[id] = n
		return nil
	}, `SELECT coalesce(v.rating_id, ''), count(*) FROM claims c INDEXED BY claims_claimant JOIN verdicts v ON v.claim_id = c.id
		WHERE c.claimant = ? AND c.claimant <> '' AND c.state = 'approved' GROUP BY v.rating_id`, name)
	if err != nil {
		return nil, err
	}
	if p.Ratings, err = ratingCounts(ctx, tx, byRating); err != nil {
		return nil, err
	}
	cursor := int64(1<<63 - 1)
	if before != "" {
		if cursor, err = strconv.ParseInt(before, 10, 64); err != nil || cursor <= 0 {
			return nil, domain.FieldError("before", "That page of claims does not exist; start from the first page.")
		}
	}
	p.Claims, err = queryAll(ctx, tx, scanProfileClaim, `SELECT `+profileClaimColumns+`
		FROM claims c INDEXED BY claims_claimant JOIN articles a ON a.id = c.article_id
		LEFT JOIN verdicts v ON v.claim_id = c.id LEFT JOIN ratings r ON r.id = v.rating_id
		WHERE c.claimant = ? AND c.claimant <> '' AND c.id < ? ORDER BY c.id DESC LIMIT ?`, name, cursor, profilePage+1)
	if err != nil {
		return nil, err
	}
	if len(p.Claims) > profilePage {
		p.Claims = p.Claims[:profilePage]
		p.Next = strconv.FormatInt(p.Claims[profilePage-1].ID, 10)
	}
	return p, nil
}

// OutletProfile reads an outlet's page: the claims of its articles, newest
// article first, 50 articles at a time from the cursor before ("" for the
// first). Its rating mix counts approvals, as the dashboard does.
func (db *DB) OutletProfile(ctx context.Context, name, before string) (*domain.Profile, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p := &domain.Profile{Kind: domain.ProfileOutlet, Name: name, States: map[domain.ClaimState]int{}}
	err = eachRow(ctx, tx, func(r scanner) error {
		var state string
		var n int
		if err := r.Scan(&state, &n); err != nil {
			return err
		}
		if n != 0 {
			p.States[domain.ClaimState(state)] = n
		}
		return nil
	}, `SELECT state, n FROM desk_states WHERE outlet = ? AND outlet <> ' '`, name)
	if err != nil {
		return nil, err
	}
	if p.Total() == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "claimtrail has no claims from an outlet called %s.", name)
	}
	byRating := map[string]int{}
	err = eachRow(ctx, tx, func(r scanner) error {
		var id string
		var n int
		if err := r.Scan(&id, &n); err != nil {
			return err
		}
		byRating[id] = n
		return nil
	}, `SELECT key, sum(n) FROM desk_counted WHERE outlet = ? AND metric = 'rating' AND period >= 'M' GROUP BY key`, name)
	if err != nil {
		return nil, err
	}
	if p.Ratings, err = ratingCounts(ctx, tx, byRating); err != nil {
		return nil, err
	}
	beforeCreated, beforeID := "9999", int64(0)
	if before != "" {
		at, id, ok := strings.Cut(before, "_")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil || len(at) < 10 {
			return nil, domain.FieldError("before", "That page of claims does not exist; start from the first page.")
		}
		beforeCreated, beforeID = at, n
	}
	type row struct {
		claim   domain.ProfileClaim
		created string
	}
	rows, err := queryAll(ctx, tx, func(r scanner) (row, error) {
		var x row
		var approved sql.NullString
		var created string
		err := r.Scan(&x.claim.ID, &x.claim.Text, &x.claim.State, &x.claim.Claimant, &x.claim.ArticleID, &x.claim.ArticleTitle,
			&x.claim.Outlet, &x.claim.Rating, &approved, &created, &x.created)
		x.claim.ApprovedAt, x.claim.CreatedAt = parseNullTime(approved), parseTime(created)
		if x.claim.State != domain.StateApproved {
			x.claim.Rating = ""
		}
		return x, err
	}, `WITH a AS (SELECT id, title, outlet, created_at FROM articles WHERE outlet = ?
			AND (created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT ?)
		SELECT `+profileClaimColumns+`, a.created_at || '_' || a.id
		FROM a JOIN claims c ON c.article_id = a.id
		LEFT JOIN verdicts v ON v.claim_id = c.id LEFT JOIN ratings r ON r.id = v.rating_id
		ORDER BY a.created_at DESC, a.id DESC, c.start_offset, c.id`,
		name, beforeCreated, beforeCreated, func() int64 {
			if beforeID == 0 {
				return 1<<63 - 1
			}
			return beforeID
		}(), profilePage+1)
	if err != nil {
		return nil, err
	}
	// The page ends before the 51st article.
	seen, last := map[int64]bool{}, ""
	for _, x := range rows {
		if !seen[x.claim.ArticleID] {
			if len(seen) == profilePage {
				p.Next = last
				break
			}
			seen[x.claim.ArticleID] = true
		}
		p.Claims = append(p.Claims, x.claim)
		last = x.created
	}
	return p, nil
}

// ratingCounts lists the rating scale with counts by rating id.
func ratingCounts(ctx context.Context, tx *Tx, byID map[string]int) ([]domain.RatingCount, error) {
	ratings, err := listRatings(ctx, tx)
	if err != nil {
		return nil, err
	}
	out := make([]domain.RatingCount, 0, len(ratings))
	for _, r := range ratings {
		out = append(out, domain.RatingCount{RatingID: r.ID, Rating: r.Name, N: byID[strconv.FormatInt(r.ID, 10)]})
	}
	return out, nil
}
