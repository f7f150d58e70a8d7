package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"net/url"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"claimtrail/domain"
)

// totpOptions are the settings every authenticator app understands:
// SHA-1, six digits, 30 seconds (domain.TwoFactorDigits, TwoFactorPeriod).
var totpOptions = totp.ValidateOpts{Period: domain.TwoFactorPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTPKey makes a new app secret for account (the person's email),
// with its otpauth:// address for apps that read one.
func NewTOTPKey(issuer, account string) (secret, uri string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account,
		Period: domain.TwoFactorPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// TOTPURI is the otpauth:// address of a secret already made.
func TOTPURI(issuer, account, secret string) string {
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", issuer)
	q.Set("period", "30")
	q.Set("digits", "6")
	q.Set("algorithm", "SHA1")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: q.Encode()}
	return u.String()
}

// MatchTOTP checks code against secret at now, allowing
// domain.TwoFactorSkew periods either side, and returns the step (the count
// of periods since 1970) of the code that matched, so that it can be used
// only once.
func MatchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	period := int64(domain.TwoFactorPeriod)
	for off := -domain.TwoFactorSkew; off <= domain.TwoFactorSkew; off++ {
		at := now.Add(time.Duration(off) * time.Duration(period) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, totpOptions)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return at.Unix() / period, true
		}
	}
	return 0, false
}

// NewRecoveryCodes makes domain.RecoveryCodeCount random recovery codes,
// in their stored form (no dash).
func NewRecoveryCodes() []string {
	alphabet := domain.RecoveryAlphabet()
	codes := make([]string, domain.RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, domain.RecoveryCodeLength)
		for j := range b {
			b[j] = alphabet[randIndex(len(alphabet))]
		}
		codes[i] = string(b)
	}
	return codes
}

// randIndex is a uniform random number below n (rejection sampling).
func randIndex(n int) int {
	limit := 256 - 256%n
	var b [1]byte
	for {
		rand.Read(b[:])
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}
