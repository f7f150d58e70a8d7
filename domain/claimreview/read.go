package claimreview

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"claimtrail/domain"
)

// Item is one ClaimReview read from input, or why it could not be read.
type Item struct {
	N     int // 1-based position in the input
	Check domain.ImportedCheck
	Err   error // set when the item is unusable; the reason says why
}

// Read reads ClaimReview as our feed writes it (a JSON array), a single
// object, an object with "@graph", or JSON Lines, and calls yield for each
// item in order. An item that is not a ClaimReview or lacks what a check
// needs is yielded with Err set; only unreadable input as a whole stops the
// reading.
func Read(r io.Reader, yield func(Item) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	first, err := firstByte(br)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	n := 0
	emit := func(raw json.RawMessage) error {
		n++
		return yield(item(n, raw))
	}
	switch first {
	case '[':
		dec := json.NewDecoder(br)
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("the file is not JSON: %w", err)
		}
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fmt.Errorf("item %d is not JSON: %w", n+1, err)
			}
			if err := emit(raw); err != nil {
				return err
			}
		}
		return nil
	case '{':
		// One object, an @graph, or JSON Lines (one object after another).
		dec := json.NewDecoder(br)
		for {
			var raw json.RawMessage
			err := dec.Decode(&raw)
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("item %d is not JSON: %w", n+1, err)
			}
			var g struct {
				Graph []json.RawMessage `json:"@graph"`
			}
			if json.Unmarshal(raw, &g) == nil && g.Graph != nil {
				for _, x := range g.Graph {
					if err := emit(x); err != nil {
						return err
					}
				}
				continue
			}
			if err := emit(raw); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("the file is neither a JSON array, a JSON object nor JSON Lines")
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		// A byte-order mark is skipped with the spaces.
		if b == 0xEF {
			if p, _ := br.Peek(2); bytes.Equal(p, []byte{0xBB, 0xBF}) {
				br.Discard(2)
				continue
			}
		}
		if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			return b, br.UnreadByte()
		}
	}
}

// wire is the part of ClaimReview an import reads. Authors and ratings come
// in several shapes, so they are read loosely.
type wire struct {
	Type          any             `json:"@type"`
	URL           string          `json:"url"`
	ClaimReviewed string          `json:"claimReviewed"`
	Name          string          `json:"name"`
	Headline      string          `json:"headline"`
	Author        json.RawMessage `json:"author"`
	Publisher     json.RawMessage `json:"publisher"`
	DatePublished string          `json:"datePublished"`
	ReviewRating  struct {
		AlternateName string `json:"alternateName"`
		Name          string `json:"name"`
		RatingValue   any    `json:"ratingValue"`
	} `json:"reviewRating"`
	ItemReviewed struct {
		Author     json.RawMessage `json:"author"`
		Appearance json.RawMessage `json:"appearance"`
	} `json:"itemReviewed"`
}

func item(n int, raw json.RawMessage) Item {
	it := Item{N: n}
	var w wire
	if err := json.Unmarshal(raw, &w); err != nil {
		it.Err = &domain.Error{Code: domain.EINVALID, Message: "it is not a JSON object"}
		return it
	}
	if !isClaimReview(w.Type) {
		it.Err = &domain.Error{Code: domain.EINVALID, Message: "its @type is not ClaimReview"}
		it.Check.URL = w.URL
		return it
	}
	c := domain.ImportedCheck{URL: w.URL, Claim: w.ClaimReviewed, Headline: firstOf(w.Name, w.Headline),
		Publisher: firstOf(nameOf(w.Author), nameOf(w.Publisher)), Rating: firstOf(w.ReviewRating.AlternateName, w.ReviewRating.Name),
		Claimant: nameOf(w.ItemReviewed.Author), AppearanceURL: appearanceURL(w.ItemReviewed.Appearance)}
	switch v := w.ReviewRating.RatingValue.(type) {
	case float64:
		c.RatingValue = &v
	case string:
		var f float64
		if _, err := fmt.Sscan(v, &f); err == nil {
			c.RatingValue = &f
		}
	}
	if c.Rating == "" && c.RatingValue != nil {
		c.Rating = fmt.Sprint(*c.RatingValue)
	}
	if d := strings.TrimSpace(w.DatePublished); d != "" {
		if len(d) >= 10 {
			d = d[:10]
		}
		if t, err := time.Parse(time.DateOnly, d); err == nil {
			c.PublishedOn = t
		}
	}
	it.Check, it.Err = domain.CheckImportedCheck(c)
	return it
}

func isClaimReview(t any) bool {
	switch v := t.(type) {
	case string:
		return v == "ClaimReview" || strings.HasSuffix(v, "/ClaimReview")
	case []any:
		for _, x := range v {
			if isClaimReview(x) {
				return true
			}
		}
	}
	return false
}

func firstOf(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

// nameOf reads a name from a string, an object with "name", or a list of them.
func nameOf(raw json.RawMessage) string { return stringOrField(raw, "name") }

// appearanceURL reads the first appearance's url (an object, a list, or a URL string).
func appearanceURL(raw json.RawMessage) string { return stringOrField(raw, "url") }

// stringOrField reads a string, an object's string field key, or the first
// of a list of either that gives one: ClaimReview writes people, publishers
// and appearances in all three shapes.
func stringOrField(raw json.RawMessage, key string) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o map[string]json.RawMessage
	if json.Unmarshal(raw, &o) == nil {
		var v string
		if f, ok := o[key]; ok && json.Unmarshal(f, &v) == nil {
			return v
		}
		return ""
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		for _, x := range list {
			if v := stringOrField(x, key); v != "" {
				return v
			}
		}
	}
	return ""
}
