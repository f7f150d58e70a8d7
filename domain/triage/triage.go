// Package triage turns what the claim extractor found in an article into the
// candidate claims a reviewer triages. It is pure: text in, claims out.
package triage

import (
	"cmp"
	"slices"
	"strings"

	"claimtrail/domain"
	"claimtrail/domain/extract"
)

// Floor is the lowest score at which a sentence without figures is kept as a
// candidate. Below it the extractor is nearly sure the sentence is colour,
// and a list of such sentences only buries the ones worth checking; the
// reviewer still sees them in the article text and can add one by hand.
const Floor = 0.05

// Keep decides whether an extractor sentence becomes a stored candidate:
// every sentence the extractor typed as a claim (so not boilerplate or
// not_claim), unless it scores below Floor and states no figure. Ranking is
// left to the score, so low-scored candidates sink rather than vanish.
func Keep(s extract.Sentence) bool {
	if s.Type == extract.NotClaim || strings.TrimSpace(s.Text) == "" || s.End-s.Start > MaxSentenceBytes {
		return false
	}
	return s.Score >= Floor || len(s.Figures) > 0
}

// MaxSentenceBytes is the longest passage kept as a candidate. Text that
// runs on further without a full stop (a table, a list pasted as one line)
// is not one claim; a reviewer can still add any part of it by hand.
const MaxSentenceBytes = 3000

// MaxCandidates bounds the candidates of one article, so that a pasted
// document of thousands of sentences still gives a page a reviewer can
// use. Past it the highest-scoring are kept.
const MaxCandidates = 500

// Analysis is what the extractor makes of an article's text.
type Analysis struct {
	Candidates []*domain.Claim // the claims to store, in document order

	// Lede is the first sentence that is not site boilerplate, with its
	// whitespace collapsed: a stand-in headline when none was given, so a
	// scraped donation appeal at the top never becomes the title.
	Lede string
}

// Analyse runs the extractor once over an article's text, with the
// embedded model.
func Analyse(text string) Analysis { return AnalyseWith(extract.DefaultModel(), text) }

// AnalyseWith runs the extractor over an article's text, scoring with m.
func AnalyseWith(m *extract.Model, text string) Analysis {
	var a Analysis
	for _, s := range extract.ExtractWith(m, text) {
		if isDateline(s.Text) {
			continue // "Published: 2025-02-23" is neither a headline nor a claim
		}
		if a.Lede == "" && !s.Boilerplate() && strings.TrimSpace(s.Text) != "" {
			a.Lede = strings.Join(strings.Fields(text[s.Start:s.End]), " ")
		}
		if Keep(s) {
			a.Candidates = append(a.Candidates, claimFrom(s, text[s.Start:s.End], s.Start, s.End))
		}
	}
	if len(a.Candidates) > MaxCandidates {
		byScore := slices.Clone(a.Candidates)
		slices.SortStableFunc(byScore, func(x, y *domain.Claim) int { return cmp.Compare(y.Score, x.Score) })
		kept := make(map[*domain.Claim]bool, MaxCandidates)
		for _, c := range byScore[:MaxCandidates] {
			kept[c] = true
		}
		a.Candidates = slices.DeleteFunc(a.Candidates, func(c *domain.Claim) bool { return !kept[c] })
	}
	return a
}

// Candidates returns the candidate claims to store with an article, in
// document order.
func Candidates(text string) []*domain.Claim { return Analyse(text).Candidates }

// Manual analyses a passage a reviewer picked out by hand (body[start:end])
// so that it carries figures, a type and a score like the extractor's own.
func Manual(body string, start, end int, text string) *domain.Claim {
	return ManualWith(extract.DefaultModel(), body, start, end, text)
}

// ManualWith is Manual scoring with m, the newsroom's claim scorer in use.
func ManualWith(m *extract.Model, body string, start, end int, text string) *domain.Claim {
	sentence := body[start:end]
	s := extract.ExtractLinesWith(m, []string{sentence})[0]
	c := claimFrom(s, sentence, start, end)
	c.Manual = true
	if text != "" {
		c.Text = text
	}
	return c
}

func claimFrom(s extract.Sentence, sentence string, start, end int) *domain.Claim {
	c := &domain.Claim{
		Sentence:    sentence,
		Start:       start,
		End:         end,
		Text:        strings.TrimSpace(strings.Join(strings.Fields(sentence), " ")),
		Score:       s.Score,
		CheckWorthy: s.CheckWorthy,
		Type:        s.Type,
		Claimant:    s.Claimant,
		Reasons:     append([]string{}, s.Reasons...),
		Figures:     make([]domain.Figure, 0, len(s.Figures)),
		State:       domain.StateCandidate,
		Priority:    domain.PriorityNormal,
	}
	if !c.Type.Valid() {
		c.Type = domain.TypeOther
	}
	for _, f := range s.Figures {
		// Figure offsets are relative to the sentence; keep only those that
		// point at the sentence as stored, so highlighting can trust them.
		if f.Start < 0 || f.End > len(sentence) || f.Start >= f.End {
			continue
		}
		c.Figures = append(c.Figures, f)
	}
	return c
}

// isDateline reports a line that only dates the article, as content systems
// put at the top of a text export: "Published: 2025-02-23", "Updated 23 Feb
// 2025 10:00", "date 2025-02-23".
func isDateline(sentence string) bool {
	label, rest, ok := strings.Cut(strings.TrimSpace(sentence), " ")
	switch strings.ToLower(strings.TrimSuffix(label, ":")) {
	case "date", "dated", "published", "updated":
	default:
		return false
	}
	return ok && len(rest) <= 40 && strings.ContainsAny(rest, "0123456789") && !strings.ContainsAny(rest, ".!?")
}
