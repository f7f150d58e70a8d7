package web

import (
	"net/http"
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
	pub, err := app.db.PublishingSettings(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	form := components.PublishingForm{PublisherName: pub.Publisher.Name, PublisherURL: pub.Publisher.URL,
		LogoURL: pub.Publisher.LogoURL, BaseURL: pub.BaseURL}
	if form.WebhookURL, err = app.db.Setting(r.Context(), storage.SettingNotifyWebhookURL, ""); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, components.PublishingSettingsPage(app.meta(w, r, "Publishing settings"), form))
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
		app.render(w, r, http.StatusUnprocessableEntity, components.PublishingSettingsPage(app.meta(w, r, "Publishing settings"), view))
		return
	}
	err := app.db.SetSettings(r.Context(), map[string]string{
		storage.SettingPublisherName:    form.PublisherName,
		storage.SettingPublisherURL:     form.PublisherURL,
		storage.SettingPublisherLogoURL: form.LogoURL,
		storage.SettingSiteBaseURL:      strings.TrimRight(form.BaseURL, "/"),
	})
	if err != nil {
		app.error(w, r, err)
		return
	}
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
	if errs := withDomainErrors(app.validate.Check(&form), domain.CheckWebhookAddress(form.URL)); errs != nil {
		pub, err := app.db.PublishingSettings(r.Context())
		if err != nil {
			app.serverError(w, r, err)
			return
		}
		view := components.PublishingForm{PublisherName: pub.Publisher.Name, PublisherURL: pub.Publisher.URL,
			LogoURL: pub.Publisher.LogoURL, BaseURL: pub.BaseURL, WebhookURL: form.URL, WebhookErrors: errs}
		app.render(w, r, http.StatusUnprocessableEntity, components.PublishingSettingsPage(app.meta(w, r, "Publishing settings"), view))
		return
	}
	if err := app.db.SetSettings(r.Context(), map[string]string{storage.SettingNotifyWebhookURL: form.URL}); err != nil {
		app.error(w, r, err)
		return
	}
	msg := "Notifications stay in claimtrail."
	if form.URL != "" {
		msg = "Notifications are also posted to the chat webhook."
	}
	app.flash(w, r, "success", msg)
	redirect(w, r, "/admin/settings")
}
