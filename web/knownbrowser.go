package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"claimtrail/domain"
)

// knownBrowserCookie marks a browser that has signed in to some accounts,
// so that its next sign-ins to them pass the client address's throttle
// (domain.KnownBrowserMemory says why).
const knownBrowserCookie = "claimtrail_known"

// maxKnownAccounts bounds the accounts one browser is remembered for (a
// desk's shared machine); the oldest sign-in is forgotten first.
const maxKnownAccounts = 8

// knownBrowsers signs and reads the marks. Each mark is "unix.mac", the MAC
// over the account and the time, so the cookie names no account and a
// mark made for one account proves nothing for another.
type knownBrowsers struct {
	keys [][]byte // the first signs; all are accepted, as for sessions
	now  func() time.Time
}

func newKnownBrowsers(sessionKeys [][]byte) knownBrowsers {
	kb := knownBrowsers{now: time.Now}
	for _, k := range sessionKeys {
		m := hmac.New(sha256.New, k)
		m.Write([]byte("claimtrail known browser"))
		kb.keys = append(kb.keys, m.Sum(nil))
	}
	return kb
}

func (kb knownBrowsers) mac(key []byte, account string, at int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(account + "\x00" + strconv.FormatInt(at, 10)))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// marks are the cookie's marks still within KnownBrowserMemory.
func (kb knownBrowsers) marks(r *http.Request) []string {
	c, err := r.Cookie(knownBrowserCookie)
	if err != nil || len(c.Value) > 1024 {
		return nil
	}
	var marks []string
	for _, m := range strings.Split(c.Value, "-") {
		at, _, ok := strings.Cut(m, ".")
		unix, err := strconv.ParseInt(at, 10, 64)
		if !ok || err != nil || kb.now().Sub(time.Unix(unix, 0)) > domain.KnownBrowserMemory {
			continue
		}
		marks = append(marks, m)
	}
	return marks
}

// knows reports whether this browser signed in to account (a
// domain.SignInAccountKey) within KnownBrowserMemory.
func (kb knownBrowsers) knows(r *http.Request, account string) bool {
	for _, m := range kb.marks(r) {
		if kb.knowsMark(m, account) {
			return true
		}
	}
	return false
}

// remember marks the browser as having signed in to account now, keeping
// the newest marks of other accounts.
func (kb knownBrowsers) remember(w http.ResponseWriter, r *http.Request, account string, secure bool) {
	unix := kb.now().Unix()
	marks := []string{strconv.FormatInt(unix, 10) + "." + kb.mac(kb.keys[0], account, unix)}
	for _, m := range kb.marks(r) {
		if len(marks) == maxKnownAccounts {
			break
		}
		if !kb.knowsMark(m, account) {
			marks = append(marks, m)
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: knownBrowserCookie, Value: strings.Join(marks, "-"), Path: "/login",
		MaxAge: int(domain.KnownBrowserMemory.Seconds()), HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

// knowsMark reports whether mark was made for account (an older mark of
// the same account is replaced, not kept beside the new one).
func (kb knownBrowsers) knowsMark(mark, account string) bool {
	at, sum, _ := strings.Cut(mark, ".")
	unix, _ := strconv.ParseInt(at, 10, 64)
	for _, key := range kb.keys {
		if hmac.Equal([]byte(sum), []byte(kb.mac(key, account, unix))) {
			return true
		}
	}
	return false
}
