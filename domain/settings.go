package domain

import (
	"maps"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// SettingsChange is a decided change to the newsroom's settings: the values
// to write, and one event naming each of them before and after.
type SettingsChange struct {
	Set   map[string]string
	Event Event
}

// ChangeSettings decides which of values differ from current (the stored
// values of the same keys; a key absent from current is not set yet). Values
// already stored change nothing; a change that changes nothing has no event.
func ChangeSettings(current, values map[string]string) SettingsChange {
	before, after := map[string]string{}, map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		old, stored := current[key]
		if stored && old == values[key] {
			continue
		}
		if stored {
			before[key] = old
		}
		after[key] = values[key]
	}
	if len(after) == 0 {
		return SettingsChange{}
	}
	ch := SettingsChange{Set: after, Event: Event{Action: "setting.changed", Entity: "setting", After: recorded(after)}}
	if len(before) > 0 {
		ch.Event.Before = recorded(before)
	}
	return ch
}

// SettingNotifyWebhookURL is the key of the chat's incoming-webhook address.
const SettingNotifyWebhookURL = "notify.webhook_url"

// SecretSettings are the settings whose value is itself a secret: whoever
// holds the webhook's address may post to the newsroom's chat. They are
// stored encrypted with the key file, never as typed, so a copy of the
// database does not carry them.
var SecretSettings = []string{SettingNotifyWebhookURL}

// ErrWebhookSealedElsewhere: the stored webhook address was sealed with
// another key file than the server's (a database restored or copied
// without its own), so it cannot be read, used or shown; entering the
// address again replaces it.
var ErrWebhookSealedElsewhere = &Error{Code: ECONFLICT, Message: "The chat webhook's stored address does not open with this server's key file (was the database restored or copied without its own?), so no chat messages are posted. Enter the address again to replace it, or restore the key file."}

// ErrTwoFactorSealedElsewhere: a two-factor secret was sealed with another
// key file than the server's, so no app code can be checked against it.
var ErrTwoFactorSealedElsewhere = &Error{Code: ECONFLICT, Message: "Two-factor codes cannot be checked on this server: its key file is not the one two-factor sign-in was set up with (was the database restored or copied without its own?). Ask an admin to restore the key file."}

// SecretSetting reports whether key names a secret setting.
func SecretSetting(key string) bool { return slices.Contains(SecretSettings, key) }

// recorded is settings as the audit log keeps them. An incoming-webhook
// address carries its secret in its path (whoever holds it may post to the
// newsroom's chat), so the log keeps only its scheme and host: enough to
// see that, when and by whom it was changed, never enough to use it.
func recorded(values map[string]string) map[string]string {
	v, ok := values[SettingNotifyWebhookURL]
	if !ok || v == "" {
		return values
	}
	out := maps.Clone(values)
	out[SettingNotifyWebhookURL] = WebhookShown(v)
	return out
}

// WebhookShown is a webhook address with everything after its host hidden.
func WebhookShown(address string) string {
	scheme, rest, ok := strings.Cut(address, "://")
	if !ok {
		return "(hidden)"
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, "?")
	if at := strings.LastIndex(host, "@"); at >= 0 {
		host = host[at+1:] // never a user name or password given in the address
	}
	return scheme + "://" + host + "/…"
}

// Limits on the publishing settings an admin types.
const (
	MaxPublisherNameLength = 200
	MaxSettingURLLength    = 500
)

// PublishingInput is what an admin typed on the publishing settings form.
type PublishingInput struct {
	PublisherName, PublisherURL, LogoURL, BaseURL string
}

// Check says what is wrong with the publishing settings, one message per
// field: the organisation's name and the addresses' lengths, and whether
// the site's public address can make each check's address.
func (in PublishingInput) Check() error {
	fields := map[string]string{}
	if utf8.RuneCountInString(strings.TrimSpace(in.PublisherName)) > MaxPublisherNameLength {
		fields["publisher_name"] = "Keep the publishing organisation to 200 characters or fewer."
	} else if err := CheckPlainLine("publisher_name", "publishing organisation", strings.TrimSpace(in.PublisherName)); err != nil {
		fields["publisher_name"] = ErrorMessage(err)
	}
	for _, f := range []struct{ field, label, value string }{
		{"publisher_url", "organisation's web address", in.PublisherURL},
		{"logo_url", "logo web address", in.LogoURL},
		{"base_url", "public address of this site", in.BaseURL},
	} {
		if len(f.value) > MaxSettingURLLength {
			fields[f.field] = "Keep the " + f.label + " to 500 characters or fewer."
		}
	}
	if _, long := fields["base_url"]; !long && in.BaseURL != "" {
		if msg := SiteAddressProblem(in.BaseURL); msg != "" {
			fields["base_url"] = msg
		}
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Some settings need fixing.", Fields: fields}
	}
	return nil
}

// WebhookInternalMessage is what an admin is told when the chat webhook
// names a host inside the newsroom's own network.
const WebhookInternalMessage = "Use the chat's public webhook address: addresses inside the newsroom's own network (localhost, loopback, private or link-local addresses) are refused."

// CheckWebhookAddress refuses a chat webhook address longer than the
// settings allow, or one whose host is plainly internal: the name
// localhost (or a name under it) or a literal loopback, private,
// link-local, multicast or unspecified IP address. "" (no webhook) is
// fine. A name that resolves to an internal address is still refused at
// delivery, by the address guard that resolves it.
//
// allow, when non-nil, lets through the addresses it accepts; it is the
// same explicit allowance the delivery's guard is given (tests reach
// their own loopback server with it), never set in production.
func CheckWebhookAddress(address string, allow func(netip.Addr) bool) error {
	if len(address) > MaxSettingURLLength {
		return FieldError("webhook_url", "Keep the webhook address to 500 characters or fewer.")
	}
	if address == "" {
		return nil
	}
	if internalWebhookHost(address, allow) {
		return FieldError("webhook_url", WebhookInternalMessage)
	}
	return nil
}

// internalWebhookHost reports whether address's host is localhost or a
// literal internal IP address that allow does not accept.
func internalWebhookHost(address string, allow func(netip.Addr) bool) bool {
	u, err := url.Parse(strings.TrimSpace(address))
	if err != nil {
		return false // not a web address at all: the form's own check says so
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return allow == nil || !allow(netip.MustParseAddr("127.0.0.1"))
	}
	addr, ok := LiteralHostAddr(host)
	if !ok {
		return false // a name: judged when it is resolved at delivery
	}
	if allow != nil && allow(addr) {
		return false
	}
	return addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() ||
		zeroNetwork.Contains(addr)
}

// zeroNetwork is IPv4's "this network" (0.0.0.0/8), which reaches the
// machine itself on many systems.
var zeroNetwork = netip.MustParsePrefix("0.0.0.0/8")
