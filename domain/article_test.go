package domain

import "testing"

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
