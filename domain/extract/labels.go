package extract

import (
	"bufio"
	"io"
	"strings"

	"claimtrail/domain"
)

// ReadLabels reads labelled sentences, one a line: text<TAB>Yes|No. A
// first line whose label is neither is a header and skipped; with more than
// two columns (an id first, as in the CheckThat! files) the text is the
// column before the label. Empty lines are skipped; any other line that is
// not of that form is refused, naming it.
func ReadLabels(r io.Reader) ([]Label, error) {
	var out []Label
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		label := strings.TrimSpace(cols[len(cols)-1])
		if len(cols) < 2 || label != "Yes" && label != "No" {
			if n == 1 && len(cols) >= 2 {
				continue // a header
			}
			return nil, domain.Errorf(domain.EINVALID, "line %d is not text<TAB>Yes or text<TAB>No", n)
		}
		text := cols[len(cols)-2]
		if len(text) >= 2 && text[0] == '"' && text[len(text)-1] == '"' {
			text = strings.ReplaceAll(text[1:len(text)-1], `""`, `"`)
		}
		if text = strings.TrimSpace(text); text == "" {
			return nil, domain.Errorf(domain.EINVALID, "line %d has a label but no text", n)
		}
		out = append(out, Label{Text: text, CheckWorthy: label == "Yes"})
	}
	if err := sc.Err(); err != nil {
		return nil, domain.Errorf(domain.EINVALID, "cannot read the labels: %v", err)
	}
	return out, nil
}
