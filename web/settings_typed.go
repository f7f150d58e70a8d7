package web

import (
	"net/http"
	"net/url"

	"claimtrail/components"
	"claimtrail/domain"
)

// The Your account page's controls share one form
// (components.SettingsFormID). A successful post keeps, for the page its
// redirect shows, what it did not save; passwords and codes are never kept
// anywhere, and the one-time secrets a post shows (a new token, recovery
// codes) travel under their own names, which nothing typed may take.

// settingsSecretFields are never carried over a redirect.
var settingsSecretFields = []string{"current_password", "new_password", "confirm_password", "password", "code", "secret", "token_name", "recovery"}

// carrySettings keeps what the post did not save, with shown (a secret to
// show once) added under its own names.
func (app *App) carrySettings(r *http.Request, shown url.Values, saved ...string) {
	rest := without(r.PostForm, append(saved, settingsSecretFields...))
	for k, v := range shown {
		rest[k] = v
	}
	app.carry.put(app.sessionID(r), "/settings", rest)
}

// keepSettingsTyped answers the page's default button (Enter in a field
// without JavaScript): nothing is saved and what was typed comes back.
func (app *App) keepSettingsTyped(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		app.error(w, r, err)
		return
	}
	app.carrySettings(r, nil)
	app.flash(w, r, "info", "Nothing is saved yet: press the button beside what you typed.")
	redirect(w, r, "/settings")
}

// applySettingsTyped puts typed values back over the stored ones: the
// public name and token name unless the failed form set its own, and the
// notification choices when they were posted. It reports whether anything
// differs from what the page shows by itself.
func applySettingsTyped(v *components.SettingsView, typed url.Values, storedName string, role domain.Role) bool {
	if len(typed) == 0 {
		return false
	}
	changed := false
	if name, ok := typed["public_name"]; ok && v.PublicNameErrors == nil && len(name) > 0 && echoText(name[0]) != storedName {
		v.PublicName, changed = echoText(name[0]), true
	}
	if name := echoText(typed.Get("name")); name != "" && v.TokenName == "" && v.TokenErrors == nil {
		v.TokenName, changed = name, true
	}
	if typed.Get("events_shown") != "" {
		on := map[domain.NotificationEvent]bool{}
		for _, e := range typed["event"] {
			on[domain.NotificationEvent(e)] = true
		}
		for _, e := range domain.NotificationEventsFor(role) {
			if on[e] != v.Notify[e] {
				changed = true
			}
			v.Notify[e] = on[e]
		}
	}
	return changed
}
