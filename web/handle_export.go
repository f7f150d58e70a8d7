package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/web/csvexport"
)

// The export page is open to every signed-in role: a reviewer can already
// read every claim and verdict in claimtrail, and each export is audited.

func (app *App) exportPage(w http.ResponseWriter, r *http.Request) {
	app.renderExportPage(w, r, http.StatusOK, exportFormFrom(r.URL.Query(), nil))
}

func exportFormFrom(q url.Values, errs components.FieldErrors) components.ExportForm {
	return components.ExportForm{
		Since: q.Get("since"), Until: q.Get("until"), Rating: q.Get("rating"), Outlet: q.Get("outlet"),
		Reviewer: q.Get("reviewer"), Editor: q.Get("editor"), ClaimType: q.Get("claim_type"), State: q.Get("state"),
		BOM: q.Get("bom") != "", Errors: errs,
	}
}

func (app *App) renderExportPage(w http.ResponseWriter, r *http.Request, status int, form components.ExportForm) {
	opts, err := app.db.ExportFilterOptions(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	choices := components.ExportChoices{Ratings: opts.Ratings, Outlets: opts.Outlets, Users: opts.Users}
	app.render(w, r, status, components.ExportPage(app.meta(w, r, "Export"), form, choices))
}

// exportFlushRows is how often a streaming export pushes its rows to the
// client.
const exportFlushRows = 2000

// exportCSV streams the claims matching the query's filters as CSV: rows go
// from SQLite through one buffer to the client, flushed every few thousand
// rows; a client that stops reading is dropped (pacedWriter).
func (app *App) exportCSV(w http.ResponseWriter, r *http.Request) {
	filter, err := csvexport.ParseFilter(r.URL.Query())
	if err != nil {
		app.renderExportPage(w, r, http.StatusUnprocessableEntity, exportFormFrom(r.URL.Query(), fieldErrors(err)))
		return
	}
	app.streamCSV(w, r, filter, r.URL.Query().Get("bom") != "")
}

// streamCSV writes an export as the response; the JSON API's export uses it too.
func (app *App) streamCSV(w http.ResponseWriter, r *http.Request, filter storage.ExportFilter, bom bool) {
	base, err := app.baseURL(r)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	paced := newPacedWriter(w, app.streamIdle)
	out := &sentWriter{w: paced}
	cw := csvexport.NewWriter(out, csvexport.Options{BOM: bom, BaseURL: base})
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="claimtrail-export-%s.csv"`, time.Now().UTC().Format("2006-01-02")))
	h.Set("Cache-Control", "no-store")
	err = cw.WriteHeader()
	rows := 0
	if err == nil {
		_, err = app.db.ExportClaims(r.Context(), filter, func(row *storage.ExportRow) error {
			if err := cw.Write(row); err != nil {
				return err
			}
			if rows++; rows%exportFlushRows == 0 {
				if err := cw.Flush(); err != nil {
					return err
				}
				if err := paced.Flush(); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err == nil {
		err = cw.Flush()
	}
	if err != nil {
		if !out.sent {
			h.Del("Content-Disposition")
			app.serverError(w, r, err)
			return
		}
		// Half a file has gone out: cut the connection so the client sees
		// a failed download rather than a CSV that looks complete. This line
		// is the request's only one (logRequests does not log an abort).
		if clientGone(r) {
			app.log.InfoContext(r.Context(), "client left", slog.String("request_id", requestID(r)),
				slog.String("path", r.URL.Path), slog.Int("rows", rows))
		} else {
			app.log.WarnContext(r.Context(), "export stopped", slog.String("request_id", requestID(r)), slog.Int("rows", rows), slog.Any("error", err))
		}
		panic(http.ErrAbortHandler)
	}
}

// sentWriter notes whether any byte has reached the client, after which
// an error can no longer become an error page.
type sentWriter struct {
	w    io.Writer
	sent bool
}

func (s *sentWriter) Write(b []byte) (int, error) {
	s.sent = true
	return s.w.Write(b)
}

// baseURL is the public address of the site (domain.PublicAddress), "" when
// none is set.
func (app *App) baseURL(r *http.Request) (string, error) {
	pub, err := app.db.PublishingSettings(r.Context())
	if err != nil {
		return "", err
	}
	return app.resolveBaseURL(pub), nil
}

func (app *App) resolveBaseURL(pub storage.Publishing) string {
	return domain.PublicAddress(pub.BaseURL, app.cfg.BaseURL)
}
