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
	g := strings.Split(s, groupSep)
	if len(g) != 5 {
		return t, fmt.Errorf("text has %d parts", len(g))
	}
	if g[0] != "" {
		t.Terms = strings.Split(g[0], unitSep)
	}
	if g[1] != "" {
		f := strings.Split(g[1], unitSep)
		if len(f)%3 != 0 {
			return t, fmt.Errorf("figures have %d fields", len(f))
		}
		for i := 0; i < len(f); i += 3 {
			v, err := strconv.ParseFloat(f[i+2], 64)
			if err != nil {
				return t, err
			}
			t.Figures = append(t.Figures, match.Quantity{Kind: f[i], Unit: f[i+1], Value: v})
		}
	}
	t.Claimant = g[2]
	if g[3] != "" {
		t.Names = strings.Split(g[3], unitSep)
	}
	var err error
	t.Direction, err = strconv.Atoi(g[4])
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
	r := strings.Split(s, recordSep)
	if len(r) != 3 && len(r) != 4 {
		return d, fmt.Errorf("index entry has %d records", len(r))
	}
	var err error
	if d.N, err = strconv.Atoi(r[0]); err != nil {
		return d, err
	}
	if r[1] != "" {
		for _, x := range strings.Split(r[1], unitSep) {
			n, err := strconv.Atoi(x)
			if err != nil {
				return d, err
			}
			d.DF = append(d.DF, n)
		}
	}
	if d.Text, err = decodeText(r[2]); err != nil {
		return d, err
	}
	if len(r) == 4 {
		h, err := decodeText(r[3])
		if err != nil {
			return d, err
		}
		d.Headline = &h
	}
	return d, nil
}
