package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Changes to the rating scale, decided over the scale as storage loaded it.

// RatingRecord is what the audit log keeps of a rating.
type RatingRecord struct {
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Position int     `json:"position"`
	OnScale  bool    `json:"on_scale"`
}

// RatingRecordOf is what the audit log keeps of r.
func RatingRecordOf(r *Rating) RatingRecord {
	return RatingRecord{Name: r.Name, Value: r.Value, Position: r.Position, OnScale: r.OnScale}
}

// RatingChange is a decided change to the scale: the rating as it is to be
// saved, the scale renumbered when a rating moves, and one audit event.
type RatingChange struct {
	Rating *Rating
	Scale  []*Rating // every rating with its new position, for a move
	Event  Event
}

// DuplicateRating is the refusal of a name the scale already has.
const DuplicateRating = "There is already a rating with that name."

var errRatingsEditorsOnly = Errorf(EFORBIDDEN, "Only editors can change the rating scale.")

// checkRating tidies and checks r against the rest of the scale: its own
// rules, and no other rating of the same name in any letter case ("Mostly
// True" beside "Mostly true" could not be told apart where a name is typed).
func checkRating(by *User, scale []*Rating, r *Rating) error {
	if !CanManageRatings(by) {
		return errRatingsEditorsOnly
	}
	r.Name = strings.TrimSpace(r.Name)
	if err := r.Check(); err != nil {
		return err
	}
	for _, other := range scale {
		if other.ID != r.ID && strings.EqualFold(other.Name, r.Name) {
			return FieldError("name", DuplicateRating)
		}
	}
	return nil
}

// CreateRating adds r at the end of the scale.
func CreateRating(by *User, scale []*Rating, r Rating) (RatingChange, error) {
	r.ID = 0
	if err := checkRating(by, scale, &r); err != nil {
		return RatingChange{}, err
	}
	r.Position = 1
	for _, other := range scale {
		r.Position = max(r.Position, other.Position+1)
	}
	return RatingChange{Rating: &r, Event: Event{Action: "rating.created", Entity: "rating", After: RatingRecordOf(&r)}}, nil
}

// UpdateRating renames a rating or changes its value; its place stays.
// r.UpdatedAt, when set, is when the rating was last changed as the
// person's page showed it (CheckRatingSeen).
func UpdateRating(by *User, scale []*Rating, r Rating) (RatingChange, error) {
	i := slices.IndexFunc(scale, func(o *Rating) bool { return o.ID == r.ID })
	if i < 0 {
		return RatingChange{}, Errorf(ENOTFOUND, "There is no such rating.")
	}
	if err := checkRating(by, scale, &r); err != nil {
		return RatingChange{}, err
	}
	if err := CheckRatingSeen(scale[i], r.UpdatedAt); err != nil {
		return RatingChange{}, err
	}
	r.Position = scale[i].Position
	return RatingChange{Rating: &r, Event: Event{Action: "rating.updated", Entity: "rating", EntityID: r.ID,
		Before: RatingRecordOf(scale[i]), After: RatingRecordOf(&r)}}, nil
}

// MoveRating moves the rating id one place up or down the scale, which is
// renumbered 1, 2, 3, … so that equal positions can never stick; the change
// is one, the moved rating's.
func MoveRating(by *User, scale []*Rating, id int64, up bool) (RatingChange, error) {
	if !CanManageRatings(by) {
		return RatingChange{}, errRatingsEditorsOnly
	}
	i := slices.IndexFunc(scale, func(o *Rating) bool { return o.ID == id })
	if i < 0 {
		return RatingChange{}, Errorf(ENOTFOUND, "There is no such rating.")
	}
	j := i + 1
	if up {
		j = i - 1
	}
	if j < 0 || j >= len(scale) {
		return RatingChange{}, Errorf(ECONFLICT, "%s is already at the %s of the scale.", scale[i].Name, map[bool]string{true: "top", false: "bottom"}[up])
	}
	next := make([]*Rating, len(scale))
	for k, r := range scale {
		c := *r
		next[k] = &c
	}
	next[i], next[j] = next[j], next[i]
	for k := range next {
		next[k].Position = k + 1
	}
	moved := next[j]
	return RatingChange{Rating: moved, Scale: next, Event: Event{Action: "rating.moved", Entity: "rating", EntityID: id,
		Before: RatingRecordOf(scale[i]), After: RatingRecordOf(moved)}}, nil
}

// DeleteRating removes r, which uses verdicts rate with: only a rating no
// verdict uses may go.
func DeleteRating(by *User, r *Rating, uses int) (RatingChange, error) {
	if !CanManageRatings(by) {
		return RatingChange{}, errRatingsEditorsOnly
	}
	if uses > 0 {
		noun := "verdicts"
		if uses == 1 {
			noun = "verdict"
		}
		return RatingChange{}, Errorf(ECONFLICT, "%s cannot be deleted: it is used by %d %s. Rename it instead.", fmt.Sprintf("%q", r.Name), uses, noun)
	}
	return RatingChange{Rating: r, Event: Event{Action: "rating.deleted", Entity: "rating", EntityID: r.ID, Before: RatingRecordOf(r)}}, nil
}

// CheckRatingSeen refuses a change to a rating made from a page older than
// the last change to what it says (name, value, on the scale): seen is the
// rating's UpdatedAt as the person's page showed it (zero: not known, not
// checked). Saving anyway would silently undo a colleague's change.
func CheckRatingSeen(current *Rating, seen time.Time) error {
	if seen.IsZero() || current.UpdatedAt.Equal(seen) {
		return nil
	}
	scale := "on the scale"
	if !current.OnScale {
		scale = "off the scale"
	}
	return Errorf(ECONFLICT, "Someone changed this rating at %s UTC while you were editing it: it is now %q, value %s, %s. What you typed is still in its row: check it and save again.",
		current.UpdatedAt.UTC().Format("15:04"), current.Name, strconv.FormatFloat(current.Value, 'f', -1, 64), scale)
}
