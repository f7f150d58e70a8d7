package domain

import (
	"strings"
	"testing"
)

func TestArticleCheckNamesTheFieldThatHelps(t *testing.T) {
	// No text at all: the headline cannot be taken from it, and asking for
	// one would send the journalist to the wrong field.
	err := (&Article{Body: " \n ", Origin: OriginPaste}).Check()
	fields := err.(*Error).Fields
	if fields["body"] == "" || fields["title"] != "" {
		t.Errorf("empty article: fields %v, want the text's message only", fields)
	}
	// Text without a headline: the headline is asked for.
	err = (&Article{Body: "Unemployment fell by 3%.", Origin: OriginPaste}).Check()
	if fields := err.(*Error).Fields; fields["title"] == "" || fields["body"] != "" {
		t.Errorf("headline missing: fields %v", fields)
	}
	if err := (&Article{Title: "Jobs", Body: "Unemployment fell by 3%.", Origin: OriginPaste}).Check(); err != nil {
		t.Errorf("a good article: %v", err)
	}
}

func TestPasswordsAndNames(t *testing.T) {
	if err := CheckPassword(strings.Repeat(" ", 12)); err == nil {
		t.Error("a password of twelve spaces was accepted")
	}
	if err := CheckPassword("correct horse battery"); err != nil {
		t.Errorf("a good passphrase: %v", err)
	}
	if got := CleanName("Rita\x01 \tReviewer\x1b"); got != "Rita Reviewer" {
		t.Errorf("CleanName = %q", got)
	}
}
