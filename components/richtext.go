package components

import (
	"regexp"
	"strings"
)

// A reviewer's explanation is plain text; on the public page it keeps the
// shape it was written in: blank lines part paragraphs, single line breaks
// stay, lines starting "- ", "* " or "1. " make lists, and web addresses
// become links. The text is split here into blocks and runs that the
// template renders as nodes, so every piece is escaped by templ.

type richRun struct {
	Text string
	URL  string // set when the run is a web address
}

type richBlock struct {
	Kind  string      // "p", "ul" or "ol"
	Lines [][]richRun // a paragraph's lines, or a list's items
}

var (
	bulletLine  = regexp.MustCompile(`^\s*[-*•]\s+`)
	numberLine  = regexp.MustCompile(`^\s*\d{1,3}[.)]\s+`)
	webAddress  = regexp.MustCompile(`https?://[^\s<>"]+`)
	trailingOff = ".,;:!?'\""
)

func richText(s string) []richBlock {
	var out []richBlock
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, para := range strings.Split(s, "\n\n") {
		var cur *richBlock
		for _, line := range strings.Split(para, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			kind, text := "p", strings.TrimSpace(line)
			if m := bulletLine.FindString(line); m != "" {
				kind, text = "ul", strings.TrimSpace(line[len(m):])
			} else if m := numberLine.FindString(line); m != "" {
				kind, text = "ol", strings.TrimSpace(line[len(m):])
			}
			if cur == nil || cur.Kind != kind {
				out = append(out, richBlock{Kind: kind})
				cur = &out[len(out)-1]
			}
			cur.Lines = append(cur.Lines, richRuns(text))
		}
	}
	return out
}

// richRuns splits a line into text and web addresses. Punctuation ending a
// sentence, and a closing bracket without its opening one, stay text.
func richRuns(line string) []richRun {
	var out []richRun
	at := 0
	for _, m := range webAddress.FindAllStringIndex(line, -1) {
		start, end := m[0], m[1]
		for end > start {
			c := line[end-1]
			if strings.IndexByte(trailingOff, c) >= 0 ||
				(c == ')' && strings.Count(line[start:end], "(") < strings.Count(line[start:end], ")")) {
				end--
				continue
			}
			break
		}
		if end-start <= len("https://") {
			continue
		}
		if start > at {
			out = append(out, richRun{Text: line[at:start]})
		}
		out = append(out, richRun{Text: line[start:end], URL: line[start:end]})
		at = end
	}
	if at < len(line) {
		out = append(out, richRun{Text: line[at:]})
	}
	return out
}
