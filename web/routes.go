package web

import (
	"io/fs"
	"net/http"
	"strings"

	"claimtrail/domain"
	"claimtrail/web/static"
)

// Handler returns claimtrail's HTTP handler: every route, and the
// middleware around them, outermost first.
func (app *App) Handler() http.Handler {
	mux := http.NewServeMux()

	// Public.
	mux.Handle("GET /static/", staticFiles())
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /login", app.loginPage)
	mux.HandleFunc("POST /login", app.login)
	mux.HandleFunc("GET /login/two-factor", app.secondStepPage)
	mux.HandleFunc("POST /login/two-factor", app.secondStep)
	mux.HandleFunc("POST /logout", app.logout)

	// Everyone signed in.
	mux.HandleFunc("GET /{$}", app.reviewer(app.home))

	// Admins.
	mux.HandleFunc("GET /admin/users", app.admin(app.usersPage))
	mux.HandleFunc("GET /admin/users/new", app.admin(app.newUserPage))
	mux.HandleFunc("POST /admin/users", app.admin(app.createUser))
	mux.HandleFunc("GET /admin/users/{id}", app.admin(app.userPage))
	mux.HandleFunc("POST /admin/users/{id}/role", app.admin(app.setUserRole))
	mux.HandleFunc("POST /admin/users/{id}/keep", app.admin(app.keepUserTyped))
	mux.HandleFunc("POST /admin/users/{id}/active", app.admin(app.setUserActive))
	mux.HandleFunc("POST /admin/users/{id}/password", app.admin(app.resetUserPassword))
	mux.HandleFunc("POST /admin/users/{id}/tokens/{tid}/revoke", app.admin(app.revokeUserToken))
	mux.HandleFunc("GET /admin/audit", app.admin(app.auditPage))

	// Articles in, and triage of their candidate claims.
	mux.HandleFunc("GET /articles", app.reviewer(app.articlesPage))
	mux.HandleFunc("GET /articles/new", app.reviewer(app.newArticlePage))
	mux.HandleFunc("POST /articles", app.reviewer(app.addArticle))
	mux.HandleFunc("POST /articles/upload", app.reviewer(app.uploadArticle))
	mux.HandleFunc("POST /articles/fetch", app.reviewer(app.fetchArticle))
	// Not articles: the addresses of the older forms, asked for as pages.
	mux.HandleFunc("GET /articles/upload", app.reviewer(app.formAddress(mux)))
	mux.HandleFunc("GET /articles/fetch", app.reviewer(app.formAddress(mux)))
	mux.HandleFunc("GET /articles/{id}", app.reviewer(app.articlePage))
	mux.HandleFunc("POST /articles/{id}/edit", app.reviewer(app.editArticle))
	mux.HandleFunc("POST /articles/{id}/claims", app.reviewer(app.addManualClaim))
	mux.HandleFunc("POST /articles/{id}/bulk", app.reviewer(app.bulkTriage))
	mux.HandleFunc("POST /articles/{id}/keep", app.reviewer(app.keepArticleTyped))
	mux.HandleFunc("POST /claims/{id}/accept", app.reviewer(app.acceptClaim))
	mux.HandleFunc("POST /claims/{id}/dismiss", app.reviewer(app.dismissClaim))

	// Queue, claims, verdicts, editors' review and ratings.
	mux.HandleFunc("GET /queue", app.reviewer(app.queuePage))
	mux.HandleFunc("GET /search", app.reviewer(app.searchPage))
	mux.HandleFunc("GET /import/checks", app.editor(app.importChecksPage))
	mux.HandleFunc("POST /import/checks", app.editor(app.importChecks))
	mux.HandleFunc("GET /import/feeds", app.editor(app.feedsPage))
	mux.HandleFunc("POST /import/feeds", app.editor(app.subscribeFeed))
	mux.HandleFunc("POST /import/feeds/{id}/delete", app.editor(app.unsubscribeFeed))
	mux.HandleFunc("POST /import/feeds/{id}/fetch", app.editor(app.fetchFeedNow))
	mux.HandleFunc("POST /queue/next", app.reviewer(app.takeNext))
	mux.HandleFunc("POST /queue/bulk", app.editor(app.bulkQueue))
	mux.HandleFunc("GET /claims/{id}", app.reviewer(app.claimPage))
	mux.HandleFunc("POST /claims/{id}/assign", app.editor(app.assignClaim))
	mux.HandleFunc("POST /claims/{id}/priority", app.editor(app.setClaimPriority))
	mux.HandleFunc("POST /claims/{id}/due", app.editor(app.setClaimDue))
	mux.HandleFunc("POST /claims/{id}/release", app.reviewer(app.releaseClaim))
	mux.HandleFunc("POST /claims/{id}/verdict", app.reviewer(app.saveVerdict))
	mux.HandleFunc("POST /claims/{id}/sources", app.reviewer(app.addSource))
	mux.HandleFunc("POST /claims/{id}/sources/{sid}", app.reviewer(app.updateSource))
	mux.HandleFunc("POST /claims/{id}/sources/{sid}/delete", app.reviewer(app.removeSource))
	mux.HandleFunc("POST /claims/{id}/sources/{sid}/move", app.reviewer(app.moveSource))
	mux.HandleFunc("POST /claims/{id}/submit", app.reviewer(app.submitVerdict))
	mux.HandleFunc("POST /claims/{id}/approve", app.editor(app.approveVerdict))
	mux.HandleFunc("POST /claims/{id}/return", app.editor(app.returnVerdict))
	mux.HandleFunc("POST /claims/{id}/reopen", app.editor(app.reopenClaim))
	mux.HandleFunc("POST /claims/{id}/comments", app.reviewer(app.addComment))
	mux.HandleFunc("POST /claims/{id}/keep", app.reviewer(app.keepTyped))
	mux.HandleFunc("POST /claims/{id}/appearances/{aid}/apply", app.editor(app.applyVerdictToAppearance))
	mux.HandleFunc("POST /claims/{id}/appearances/{aid}/undo", app.reviewer(app.undoAppearance))
	mux.HandleFunc("GET /returning", app.reviewer(app.returningPage))
	mux.HandleFunc("GET /review", app.editor(app.reviewPage))
	mux.HandleFunc("POST /bylines/{id}/approve", app.editor(app.approveByline))
	mux.HandleFunc("POST /bylines/{id}/refuse", app.editor(app.refuseByline))
	mux.HandleFunc("GET /dashboard", app.editor(app.dashboard))
	mux.HandleFunc("GET /claimants", app.reviewer(app.profilePage(domain.ProfileClaimant)))
	mux.HandleFunc("GET /claimants/ratings.csv", app.reviewer(app.profileCSV(domain.ProfileClaimant)))
	mux.HandleFunc("GET /outlets", app.reviewer(app.profilePage(domain.ProfileOutlet)))
	mux.HandleFunc("GET /outlets/ratings.csv", app.reviewer(app.profileCSV(domain.ProfileOutlet)))
	mux.HandleFunc("GET /dashboard/charts/{file}", app.editor(app.dashboardCSV))
	mux.HandleFunc("GET /ratings", app.editor(app.ratingsPage))
	mux.HandleFunc("POST /ratings", app.editor(app.createRating))
	mux.HandleFunc("POST /ratings/keep", app.editor(app.keepRatingsTyped))
	mux.HandleFunc("POST /ratings/{id}", app.editor(app.updateRating))
	mux.HandleFunc("POST /ratings/{id}/move", app.editor(app.moveRating))
	mux.HandleFunc("POST /ratings/{id}/delete", app.editor(app.deleteRating))

	// Export and public ClaimReview pages.
	mux.HandleFunc("GET /export", app.reviewer(app.exportPage))
	mux.HandleFunc("GET /export.csv", app.reviewer(app.exportCSV))
	mux.HandleFunc("GET /checks", publicPage(app.checksPage))
	mux.HandleFunc("GET /checks/feed.jsonld", publicPage(app.checksFeed))
	mux.HandleFunc("GET /checks/how-we-rate", publicPage(app.howWeRatePage))
	mux.HandleFunc("GET /checks/{id}", publicPage(app.checkPage))
	mux.HandleFunc("GET /admin/settings", app.admin(app.publishingSettingsPage))
	mux.HandleFunc("POST /admin/settings", app.admin(app.savePublishingSettings))
	mux.HandleFunc("POST /admin/settings/keep", app.admin(app.keepPublishingTyped))
	mux.HandleFunc("GET /admin/scorer", app.admin(app.scorerPage))
	mux.HandleFunc("GET /admin/scorer/progress", app.admin(app.scorerProgress))
	mux.HandleFunc("POST /admin/scorer/adapt", app.admin(app.adaptScorer))
	mux.HandleFunc("POST /admin/scorer/use", app.admin(app.useScorer))
	mux.HandleFunc("POST /admin/scorer/auto", app.admin(app.saveScorerAuto))
	mux.HandleFunc("POST /admin/scorer/keep", app.admin(app.keepScorerTyped))

	// JSON API.
	// Tokens are made and revoked on the user's own settings page.
	mux.HandleFunc("GET /settings", app.reviewer(app.settingsPage))
	mux.HandleFunc("POST /settings/tokens", app.reviewer(app.createToken))
	mux.HandleFunc("POST /settings/keep", app.reviewer(app.keepSettingsTyped))
	mux.HandleFunc("POST /settings/tokens/{id}/revoke", app.reviewer(app.revokeToken))
	mux.HandleFunc("POST /settings/password", app.reviewer(app.changePassword))
	mux.HandleFunc("POST /settings/two-factor/start", app.reviewer(app.startTwoFactor))
	mux.HandleFunc("POST /settings/two-factor/enable", app.reviewer(app.enableTwoFactor))
	mux.HandleFunc("POST /settings/two-factor/disable", app.reviewer(app.disableTwoFactor))
	mux.HandleFunc("GET /admin/security", app.admin(app.securitySettingsPage))
	mux.HandleFunc("POST /admin/security", app.admin(app.saveSecuritySettings))
	mux.HandleFunc("POST /settings/public-name", app.reviewer(app.setPublicName))
	mux.HandleFunc("POST /settings/notifications", app.reviewer(app.setNotificationPrefs))
	mux.HandleFunc("GET /notifications", app.reviewer(app.notificationsPage))
	mux.HandleFunc("POST /notifications/read", app.reviewer(app.markNotificationsRead))
	mux.HandleFunc("POST /admin/settings/webhook", app.admin(app.saveWebhookSetting))
	// The API itself: bearer token only, JSON in and out (web/api*.go).
	mux.HandleFunc("POST /api/v1/articles", app.apiReviewer(app.apiCreateArticle))
	mux.HandleFunc("GET /api/v1/articles/{id}", app.apiReviewer(app.apiArticle))
	mux.HandleFunc("POST /api/v1/claims/{id}/accept", app.apiReviewer(app.apiAcceptClaim))
	mux.HandleFunc("POST /api/v1/claims/{id}/dismiss", app.apiReviewer(app.apiDismissClaim))
	mux.HandleFunc("GET /api/v1/claims", app.apiReviewer(app.apiListClaims))
	mux.HandleFunc("GET /api/v1/claims/{id}", app.apiReviewer(app.apiClaim))
	mux.HandleFunc("POST /api/v1/queue/next", app.apiReviewer(app.apiTakeNext))
	mux.HandleFunc("PUT /api/v1/claims/{id}/verdict", app.apiReviewer(app.apiPutVerdict))
	mux.HandleFunc("POST /api/v1/claims/{id}/submit", app.apiReviewer(app.apiSubmitVerdict))
	mux.HandleFunc("POST /api/v1/claims/{id}/approve", app.apiEditor(app.apiApproveVerdict))
	mux.HandleFunc("POST /api/v1/claims/{id}/return", app.apiEditor(app.apiReturnVerdict))
	mux.HandleFunc("GET /api/v1/claims/{id}/history", app.apiReviewer(app.apiClaimHistory))
	mux.HandleFunc("GET /api/v1/export.csv", app.apiReviewer(app.apiExportCSV))
	mux.HandleFunc("POST /api/v1/match", app.apiReviewer(app.apiMatch))
	mux.HandleFunc("GET /api/v1/search", app.apiReviewer(app.apiSearch))
	mux.HandleFunc("GET /api/v1/returning", app.apiReviewer(app.apiReturning))
	mux.HandleFunc("POST /api/v1/claims/{id}/appearance-of", app.apiReviewer(app.apiRecordAsAppearance))
	mux.HandleFunc("POST /api/v1/claims/{id}/appearances/{aid}/apply", app.apiEditor(app.apiApplyVerdict))
	mux.HandleFunc("POST /api/v1/claims/{id}/appearances/{aid}/undo", app.apiReviewer(app.apiUndoAppearance))
	mux.HandleFunc("/api/", app.apiNoRoute(mux))

	// Everything else is a friendly 404, but for the address of a form's
	// POST asked for as a page, which leads to the page the form is on.
	mux.HandleFunc("/", app.formAddress(mux))

	var h http.Handler = mux
	h = app.loadSession(h)
	h = app.crossOrigin(h)
	h = limitBody(1<<20, app.cfg.MaxUploadBytes+(1<<20), uploadReadLimit(app.cfg.MaxUploadBytes), h)
	h = securityHeaders(h)
	h = app.recoverPanic(h)
	h = app.logRequests(h)
	h = app.realClient(h)
	return h
}

// staticFiles serves the embedded stylesheet, script and vendored libraries,
// cacheable for a day.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(static.FS, ".")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}
