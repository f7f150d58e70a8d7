package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/storage"
)

// Publishing settings (admins only): who publishes the fact checks and the
// site's public address, used by ClaimReview and exports.

type publishingForm struct {
	PublisherName string `form:"publisher_name" label:"publishing organisation"`
	PublisherURL  string `form:"publisher_url" label:"organisation's web address" validate:"omitempty,http_url"`
	LogoURL       string `form:"logo_url" label:"logo web address" validate:"omitempty,http_url"`
	BaseURL       string `form:"base_url" label:"public address of this site" validate:"omitempty,http_url"`
}

func (app *App) publishingSettingsPage(w http.ResponseWriter, r *http.Request) {
	app.renderPublishing(w, r, http.StatusOK, components.PublishingForm{}, app.takeCarried(r, "/admin/settings"))
}

// publishingFields are the publisher's details on the page's one form.
var publishingFields = []string{"publisher_name", "publisher_url", "logo_url", "base_url"}

// renderPublishing draws the publishing settings page: the stored values,
// with what was typed over them; a part that failed (its errors set in
// failed) shows exactly what was sent.
func (app *App) renderPublishing(w http.ResponseWriter, r *http.Request, status int, failed components.PublishingForm, typed url.Values) {
	pub, err := app.db.PublishingSettings(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	form := components.PublishingForm{PublisherName: pub.Publisher.Name, PublisherURL: pub.Publisher.URL,
		LogoURL: pub.Publisher.LogoURL, BaseURL: pub.BaseURL}
	if form.WebhookURL, err = app.db.Setting(r.Context(), storage.SettingNotifyWebhookURL, ""); errors.Is(err, domain.ErrWebhookSealedElsewhere) {
		// Shown beside the field, which replaces it.
		form.WebhookErrors = components.FieldErrors{"webhook_url": domain.ErrorMessage(err)}
	} else if err != nil {
		app.serverError(w, r, err)
		return
	}
	put := func(dst *string, name string) {
		if v, ok := typed[name]; ok && len(v) > 0 && echoText(v[0]) != *dst {
			*dst, form.Carried = echoText(v[0]), true
		}
	}
	if failed.Errors != nil {
		form.PublisherName, form.PublisherURL, form.LogoURL, form.BaseURL, form.Errors = failed.PublisherName, failed.PublisherURL, failed.LogoURL, failed.BaseURL, failed.Errors
	} else {
		put(&form.PublisherName, "publisher_name")
		put(&form.PublisherURL, "publisher_url")
		put(&form.LogoURL, "logo_url")
		put(&form.BaseURL, "base_url")
	}
	if failed.WebhookErrors != nil {
		form.WebhookURL, form.WebhookErrors = failed.WebhookURL, failed.WebhookErrors
	} else {
		put(&form.WebhookURL, "webhook_url")
	}
	if status != http.StatusOK {
		form.Carried = false // the refusal's messages say what happened
	}
	form.Problem = failed.Problem
	app.render(w, r, status, components.PublishingSettingsPage(app.meta(w, r, "Publishing settings"), form))
}

// publishingFailed answers a refused save that names no field (a database
// that cannot take changes now: refusedOnPage): the page again with the
// reason at the top and everything typed in place. Anything else goes to
// the error page.
func (app *App) publishingFailed(w http.ResponseWriter, r *http.Request, err error) {
	app.refuseOnPage(w, r, err, func(status int, problem string) {
		app.renderPublishing(w, r, status, components.PublishingForm{Problem: problem}, r.PostForm)
	})
}

// keepPublishingTyped answers the page's default button (Enter in a field
// without JavaScript): nothing is saved and what was typed comes back.
func (app *App) keepPublishingTyped(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		app.error(w, r, err)
		return
	}
	app.carryTyped(r, "/admin/settings")
	app.flash(w, r, "info", "Nothing is saved yet: press the button beside what you typed.")
	redirect(w, r, "/admin/settings")
}

func (app *App) savePublishingSettings(w http.ResponseWriter, r *http.Request) {
	var form publishingForm
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	view := components.PublishingForm{PublisherName: form.PublisherName, PublisherURL: form.PublisherURL,
		LogoURL: form.LogoURL, BaseURL: form.BaseURL, Errors: app.validate.Check(&form)}
	view.Errors = withDomainErrors(view.Errors, domain.PublishingInput{PublisherName: form.PublisherName, PublisherURL: form.PublisherURL,
		LogoURL: form.LogoURL, BaseURL: form.BaseURL}.Check())
	if view.Errors != nil {
		app.renderPublishing(w, r, http.StatusUnprocessableEntity, view, r.PostForm)
		return
	}
	err := app.db.SetSettings(r.Context(), map[string]string{
		storage.SettingPublisherName:    form.PublisherName,
		storage.SettingPublisherURL:     form.PublisherURL,
		storage.SettingPublisherLogoURL: form.LogoURL,
		storage.SettingSiteBaseURL:      strings.TrimRight(form.BaseURL, "/"),
	})
	if err != nil {
		app.publishingFailed(w, r, err)
		return
	}
	app.carryTyped(r, "/admin/settings", publishingFields...)
	app.flash(w, r, "success", "Publishing settings saved.")
	redirect(w, r, "/admin/settings")
}

// saveWebhookSetting sets (or, empty, removes) the chat webhook that
// notifications are posted to.
func (app *App) saveWebhookSetting(w http.ResponseWriter, r *http.Request) {
	var form struct {
		URL string `form:"webhook_url" label:"webhook address" validate:"omitempty,http_url"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	if errs := withDomainErrors(app.validate.Check(&form), domain.CheckWebhookAddress(form.URL, app.cfg.Fetcher.AllowAddr)); errs != nil {
		app.renderPublishing(w, r, http.StatusUnprocessableEntity, components.PublishingForm{WebhookURL: echoText(form.URL), WebhookErrors: errs}, r.PostForm)
		return
	}
	if err := app.db.SetSettings(r.Context(), map[string]string{storage.SettingNotifyWebhookURL: form.URL}); err != nil {
		app.publishingFailed(w, r, err)
		return
	}
	msg := "Notifications stay in claimtrail."
	if form.URL != "" {
		msg = "Notifications are also posted to the chat webhook."
	}
	app.carryTyped(r, "/admin/settings", "webhook_url")
	app.flash(w, r, "success", msg)
	redirect(w, r, "/admin/settings")
}
