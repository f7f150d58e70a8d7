package ingest

import (
	"regexp"
	"strings"
)

// Markdown is reduced with a small line-based reader rather than a full
// CommonMark parser: fact-checkers need the words, not the layout, and the
// few constructs articles use (headings, emphasis, links, lists, quotes,
// code) are easy to strip.

var (
	mdImage     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink      = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	mdRefLink   = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdAutolink  = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	mdRefDef    = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s+\S+`)
	mdCode      = regexp.MustCompile("`+([^`]+)`+")
	mdStrong    = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	mdEmStar    = regexp.MustCompile(`\*(\S(?:[^*]*?\S)?)\*`)
	mdEmUnder   = regexp.MustCompile(`(^|[^\pL\pN_])_(\S(?:[^_]*?\S)?)_([^\pL\pN_]|$)`)
	mdStrike    = regexp.MustCompile(`~~(\S(?:.*?\S)?)~~`)
	mdTag       = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)
	mdEscape    = regexp.MustCompile(`\\([\\` + "`" + `*_{}\[\]()#+\-.!>~|])`)
	mdHeading   = regexp.MustCompile(`^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$`)
	mdListItem  = regexp.MustCompile(`^\s*(?:[-*+]|\d{1,9}[.)])\s+(.*)$`)
	mdRule      = regexp.MustCompile(`^ {0,3}([-*_])(?:\s*[-*_]){2,}\s*$`)
	mdSetext    = regexp.MustCompile(`^ {0,3}(=+|-+)\s*$`)
	mdFence     = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	mdTableRule = regexp.MustCompile(`^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$`)
)

// markdownArticle reduces markdown to plain paragraphs. The first level-one
// heading, if any, becomes the title.
func markdownArticle(src string) Article {
	src = cleanText(src)
	var (
		blocks []string
		para   []string // lines of the paragraph being read
		list   []string // items of the list being read
		title  string
		fence  string // closing marker while inside a fenced code block
		code   []string
	)
	flush := func() {
		if len(para) > 0 {
			blocks = append(blocks, strings.Join(para, " "))
			para = nil
		}
		if len(list) > 0 {
			blocks = append(blocks, strings.Join(list, "\n"))
			list = nil
		}
	}
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if fence != "" {
			if strings.HasPrefix(strings.TrimSpace(line), fence) {
				blocks = append(blocks, strings.Join(code, "\n"))
				fence, code = "", nil
				continue
			}
			code = append(code, line)
			continue
		}
		if m := mdFence.FindStringSubmatch(line); m != nil {
			flush()
			fence = m[1][:3]
			continue
		}
		// Quotes keep their words; the marker goes.
		for {
			t := strings.TrimLeft(line, " ")
			if !strings.HasPrefix(t, ">") {
				break
			}
			line = strings.TrimPrefix(strings.TrimPrefix(t, ">"), " ")
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case mdRefDef.MatchString(line), mdTableRule.MatchString(line) && strings.Contains(line, "|"):
			// Link definitions and table rules carry no words.
		case mdHeading.MatchString(line):
			flush()
			m := mdHeading.FindStringSubmatch(line)
			h := inlineMarkdown(m[2])
			if title == "" && m[1] == "#" {
				title = h
			}
			blocks = append(blocks, h)
		case len(para) > 0 && mdSetext.MatchString(line):
			// The paragraph just read was a heading.
			h := inlineMarkdown(strings.Join(para, " "))
			para = nil
			flush()
			if title == "" && strings.HasPrefix(trimmed, "=") {
				title = h
			}
			blocks = append(blocks, h)
		case mdRule.MatchString(line):
			flush()
		case mdListItem.MatchString(line):
			if len(para) > 0 {
				flush()
			}
			list = append(list, inlineMarkdown(mdListItem.FindStringSubmatch(line)[1]))
		case len(list) > 0 && strings.HasPrefix(line, " "):
			// A continuation of the last list item.
			list[len(list)-1] += " " + inlineMarkdown(trimmed)
		default:
			if len(list) > 0 {
				flush()
			}
			para = append(para, inlineMarkdown(trimmed))
		}
	}
	if fence != "" {
		blocks = append(blocks, strings.Join(code, "\n"))
	}
	flush()

	var kept []string
	for _, b := range blocks {
		if strings.TrimSpace(b) != "" {
			kept = append(kept, b)
		}
	}
	return Article{Title: title, Text: cleanText(strings.Join(kept, "\n\n"))}
}

// inlineMarkdown strips inline markup and keeps the words.
func inlineMarkdown(s string) string {
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdRefLink.ReplaceAllString(s, "$1")
	s = mdAutolink.ReplaceAllString(s, "$1")
	s = mdCode.ReplaceAllString(s, "$1")
	s = mdTag.ReplaceAllString(s, "")
	s = mdStrong.ReplaceAllString(s, "$2")
	s = mdStrike.ReplaceAllString(s, "$1")
	s = mdEmStar.ReplaceAllString(s, "$1")
	s = mdEmUnder.ReplaceAllString(s, "$1$2$3")
	s = mdEscape.ReplaceAllString(s, "$1")
	s = strings.TrimRight(s, " ")
	return strings.Join(strings.Fields(s), " ")
}
