package ingest

import (
	"testing"

	"claimtrail/domain"
)

func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://example.com", "https://example.com/"},
		{"https://example.com/", "https://example.com/"},
		{"HTTPS://Example.COM/News/Story/", "https://example.com/News/Story"},
		{"http://example.com:80/a", "http://example.com/a"},
		{"https://example.com:443/a", "https://example.com/a"},
		{"https://example.com:8443/a", "https://example.com:8443/a"},
		{"https://example.com/a#comments", "https://example.com/a"},
		{"https://example.com/a?utm_source=x&utm_MEDIUM=y&fbclid=1&gclid=2", "https://example.com/a"},
		{"https://example.com/a?b=2&a=1&utm_campaign=z", "https://example.com/a?a=1&b=2"},
		{"https://example.com/a?id=2&id=1", "https://example.com/a?id=1&id=2"},
		{"https://example.com./a//", "https://example.com/a"},
		{"https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"},
		{"  https://example.com/a  ", "https://example.com/a"},
		{"http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"},
	}
	for _, tt := range tests {
		got, err := NormalizeURL(tt.in)
		if err != nil {
			t.Errorf("NormalizeURL(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("NormalizeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeURLRefuses(t *testing.T) {
	for _, in := range []string{"", "ftp://example.com/", "example.com/a", "https://", "https://u:p@example.com/", "://bad"} {
		_, err := NormalizeURL(in)
		assertError(t, err, domain.EINVALID, "url")
	}
}

func TestTextFingerprint(t *testing.T) {
	base := TextFingerprint("The minister said \"we won't raise taxes\" - twice.")
	same := []string{
		"The minister said \u201cwe won\u2019t raise taxes\u201d \u2014 twice.",
		"  the MINISTER said\n\n\"we won't   raise taxes\"\u00a0- twice.\r\n",
		"The minister said \u00abwe won\u2032t raise taxes\u00bb \u2013 twice.",
		"The mini\u00adster said \"we won't raise taxes\" - twice.",
	}
	for _, s := range same {
		if got := TextFingerprint(s); got != base {
			t.Errorf("TextFingerprint(%q) differs from the plain version", s)
		}
	}
	if TextFingerprint("The minister said \"we will raise taxes\" - twice.") == base {
		t.Error("different words gave the same fingerprint")
	}
	if len(base) != 64 {
		t.Errorf("fingerprint %q is not hex SHA-256", base)
	}
}
