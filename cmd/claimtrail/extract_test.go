package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// run runs cmdExtract and returns its exit code, stdout and stderr.
func runExtract(args []string, stdin string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cmdExtract(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCmdExtractJSONLines(t *testing.T) {
	in := "The council spent £4.5 million on repairs last year, the mayor said. Thank you all for coming.\n\nUnemployment rose to 5.1% in March."
	code, out, errs := runExtract(nil, in)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), out)
	}
	wantKeys := []string{"text", "start", "end", "score", "checkworthy", "type", "figures", "claimant", "reasons"}
	for i, l := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("line %d is not JSON: %v", i, err)
		}
		for _, k := range wantKeys {
			if _, ok := obj[k]; !ok {
				t.Errorf("line %d lacks %q: %s", i, k, l)
			}
		}
		start, end := int(obj["start"].(float64)), int(obj["end"].(float64))
		if in[start:end] != obj["text"] {
			t.Errorf("line %d: input[%d:%d] = %q, text %q", i, start, end, in[start:end], obj["text"])
		}
	}
	var first struct {
		Figures []struct {
			Kind  string
			Value float64
			Unit  string
		}
		Claimant string
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if len(first.Figures) == 0 || first.Figures[0].Kind != "money" || first.Figures[0].Value != 4.5e6 || first.Figures[0].Unit != "GBP" {
		t.Errorf("first sentence figures = %+v, want £4.5 million as money", first.Figures)
	}
}

func TestCmdExtractLines(t *testing.T) {
	// Each line is one sentence, even with several full stops or none.
	in := "Taxes went up. Spending went down.\n\nwe cut waste by a third\r\nlast line without newline"
	code, out, _ := runExtract([]string{"-lines"}, in)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d output lines for 4 input lines:\n%s", len(lines), out)
	}
	var obj struct{ Text string }
	json.Unmarshal([]byte(lines[2]), &obj)
	if obj.Text != "we cut waste by a third" {
		t.Errorf("third line text = %q, CR should be dropped", obj.Text)
	}
	// Offsets are into the whole input, as without -lines.
	for i, l := range lines {
		var s struct {
			Text       string
			Start, End int
		}
		json.Unmarshal([]byte(l), &s)
		if in[s.Start:s.End] != s.Text {
			t.Errorf("line %d: input[%d:%d] = %q, text %q", i, s.Start, s.End, in[s.Start:s.End], s.Text)
		}
	}
}

func TestCmdExtractReadsWhatItCanAndRefusesBinary(t *testing.T) {
	// UTF-16 with a byte-order mark, as Windows editors save it.
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range "Crime fell by 12%." {
		utf16 = append(utf16, byte(r), 0)
	}
	code, out, errs := runExtract(nil, string(utf16))
	if code != 0 || !strings.Contains(out, `"text":"Crime fell by 12%."`) {
		t.Errorf("UTF-16: exit %d, out %q, stderr %q", code, out, errs)
	}
	// Latin-1: read, with the odd byte replaced and a warning.
	code, out, errs = runExtract(nil, "Caf\xe9 prices rose by 12%.")
	if code != 0 || !strings.Contains(out, "Caf\uFFFD prices") || !strings.Contains(errs, "not all UTF-8") {
		t.Errorf("Latin-1: exit %d, out %q, stderr %q", code, out, errs)
	}
	// A UTF-8 byte-order mark is not text: not in the first line, and alone
	// it is empty input.
	in := "\uFEFFCrime fell by 12%.\nPrices rose by 4%."
	code, out, _ = runExtract([]string{"-lines"}, in)
	var first struct {
		Text       string
		Start, End int
	}
	json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &first)
	if code != 0 || first.Text != "Crime fell by 12%." || in[first.Start:first.End] != first.Text {
		t.Errorf("BOM with -lines: exit %d, first %+v", code, first)
	}
	for _, bom := range []string{"\uFEFF", "\xff\xfe"} {
		if code, out, _ := runExtract([]string{"-lines"}, bom); code != 0 || out != "" {
			t.Errorf("%q alone: exit %d, out %q", bom, code, out)
		}
	}
	// A binary file is refused, with a reason.
	code, out, errs = runExtract(nil, "\x7fELF\x02\x01\x01\x00\x00\x00binary")
	if code != 1 || out != "" || !strings.Contains(errs, "not text") {
		t.Errorf("binary: exit %d, out %q, stderr %q", code, out, errs)
	}
}

func TestCmdExtractThreshold(t *testing.T) {
	in := "Crime fell by 12% in the last two years."
	for _, tc := range []struct {
		threshold string
		want      bool
	}{{"0", true}, {"1", false}} {
		t.Run(tc.threshold, func(t *testing.T) {
			code, out, _ := runExtract([]string{"-threshold", tc.threshold}, in)
			var obj struct{ CheckWorthy bool }
			if code != 0 || json.Unmarshal([]byte(out), &obj) != nil {
				t.Fatalf("exit %d, out %q", code, out)
			}
			if obj.CheckWorthy != tc.want {
				t.Errorf("checkworthy = %v at threshold %s", obj.CheckWorthy, tc.threshold)
			}
		})
	}
}

func TestCmdExtractExitCodes(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-article.txt")
	tests := []struct {
		name     string
		args     []string
		stdin    string
		code     int
		stdout   string
		inStderr string
	}{
		{"empty input", nil, "", 0, "", ""},
		{"empty input with -lines", []string{"-lines"}, "", 0, "", ""},
		{"missing file", []string{missing}, "", 1, "", "cannot read " + missing},
		{"unknown flag", []string{"-frobnicate"}, "x", 2, "", "usage: claimtrail extract"},
		{"two files", []string{"a", "b"}, "", 2, "", "give one FILE at most, not 2"},
		{"threshold out of range", []string{"-threshold", "2"}, "x", 2, "", "-threshold must be a number from 0 to 1, not 2"},
		{"threshold not a number", []string{"-threshold", "NaN"}, "x", 2, "", "-threshold must be a number from 0 to 1, not NaN"},
		{"threshold negative", []string{"-threshold", "-0.5"}, "x", 2, "", "usage: claimtrail extract"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runExtract(tc.args, tc.stdin)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errs)
			}
			if out != tc.stdout {
				t.Errorf("stdout %q, want %q", out, tc.stdout)
			}
			if !strings.Contains(errs, tc.inStderr) {
				t.Errorf("stderr %q lacks %q", errs, tc.inStderr)
			}
		})
	}
}
