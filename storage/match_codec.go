package storage

import (
	"fmt"
	"strconv"
	"strings"

	"claimtrail/domain/match"
)

// match_docs.data is written in a compact text form rather than JSON: a
// match decodes fifty of them, and JSON decoding was most of its time.
// Records are separated by RS (0x1E), fields within a record by US (0x1F):
//
//	N RS DF... RS text RS headline
//
// where a text is terms GS figures GS claimant GS names GS direction
// (GS 0x1D), figures being kind US unit US value triples joined by US.
const (
	recordSep = "\x1e"
	groupSep  = "\x1d"
	unitSep   = "\x1f"
)

// noSeparators keeps the separators out of what is written; terms are
// letters and digits, but a claimant is typed by people.
var noSeparators = strings.NewReplacer(recordSep, " ", groupSep, " ", unitSep, " ")

func joinClean(list []string) string {
	clean := make([]string, len(list))
	for i, x := range list {
		clean[i] = noSeparators.Replace(x)
	}
	return strings.Join(clean, unitSep)
}

func encodeText(b *strings.Builder, t match.Text) {
	b.WriteString(joinClean(t.Terms))
	b.WriteString(groupSep)
	for i, f := range t.Figures {
		if i > 0 {
			b.WriteString(unitSep)
		}
		b.WriteString(noSeparators.Replace(f.Kind) + unitSep + noSeparators.Replace(f.Unit) + unitSep + strconv.FormatFloat(f.Value, 'g', -1, 64))
	}
	b.WriteString(groupSep + noSeparators.Replace(t.Claimant) + groupSep + joinClean(t.Names) + groupSep + strconv.Itoa(t.Direction))
}

func decodeText(s string) (match.Text, error) {
	var t match.Text
	if n := strings.Count(s, groupSep); n != 4 {
		return t, fmt.Errorf("text has %d parts", n+1)
	}
	terms, s, _ := strings.Cut(s, groupSep)
	figures, s, _ := strings.Cut(s, groupSep)
	claimant, s, _ := strings.Cut(s, groupSep)
	names, direction, _ := strings.Cut(s, groupSep)
	if terms != "" {
		t.Terms = strings.Split(terms, unitSep)
	}
	if figures != "" {
		f := strings.Split(figures, unitSep)
		if len(f)%3 != 0 {
			return t, fmt.Errorf("figures have %d fields", len(f))
		}
		t.Figures = make([]match.Quantity, 0, len(f)/3)
		for i := 0; i < len(f); i += 3 {
			v, err := strconv.ParseFloat(f[i+2], 64)
			if err != nil {
				return t, err
			}
			t.Figures = append(t.Figures, match.Quantity{Kind: f[i], Unit: f[i+1], Value: v})
		}
	}
	t.Claimant = claimant
	if names != "" {
		t.Names = strings.Split(names, unitSep)
	}
	var err error
	t.Direction, err = strconv.Atoi(direction)
	return t, err
}

func (d docData) encode() string { return encodeDoc(d.N, d.DF, d.encodeTexts()) }

// encodeTexts is the part of the encoding that does not change with the
// counts: a whole-index build keeps it until the counts are known.
func (d docData) encodeTexts() string {
	var b strings.Builder
	encodeText(&b, d.Text)
	if d.Headline != nil {
		b.WriteString(recordSep)
		encodeText(&b, *d.Headline)
	}
	return b.String()
}

// encodeDoc writes a document's counts before its encoded texts.
func encodeDoc(n int, df []int, texts string) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(n) + recordSep)
	for i, n := range df {
		if i > 0 {
			b.WriteString(unitSep)
		}
		b.WriteString(strconv.Itoa(n))
	}
	b.WriteString(recordSep)
	b.WriteString(texts)
	return b.String()
}

func decodeDoc(s string) (docData, error) {
	var d docData
	if n := strings.Count(s, recordSep); n != 2 && n != 3 {
		return d, fmt.Errorf("index entry has %d records", n+1)
	}
	docs, s, _ := strings.Cut(s, recordSep)
	counts, s, _ := strings.Cut(s, recordSep)
	text, headline, hasHeadline := strings.Cut(s, recordSep)
	var err error
	if d.N, err = strconv.Atoi(docs); err != nil {
		return d, err
	}
	if counts != "" {
		d.DF = make([]int, 0, strings.Count(counts, unitSep)+1)
		for more := true; more; {
			var x string
			x, counts, more = strings.Cut(counts, unitSep)
			n, err := strconv.Atoi(x)
			if err != nil {
				return d, err
			}
			d.DF = append(d.DF, n)
		}
	}
	if d.Text, err = decodeText(text); err != nil {
		return d, err
	}
	if hasHeadline {
		h, err := decodeText(headline)
		if err != nil {
			return d, err
		}
		d.Headline = &h
	}
	return d, nil
}
