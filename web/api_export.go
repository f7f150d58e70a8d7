package web

import (
	"log/slog"
	"net/http"

	"claimtrail/storage"
	"claimtrail/web/csvexport"
)

// GET /api/v1/export.csv: the export page's CSV, with the same filters
// (csvexport.ParseFilter), the same rows (storage.ExportClaims, which audits
// the export) and the same columns (csvexport.Writer).
func (app *App) apiExportCSV(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := csvexport.ParseFilter(q)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="claimtrail-export.csv"`)
	h.Set("Cache-Control", "no-store")
	out := csvexport.NewWriter(w, csvexport.Options{BOM: q.Get("bom") == "1", BaseURL: app.baseURL(r)})
	started := false
	_, err = app.db.ExportClaims(r.Context(), f, func(row *storage.ExportRow) error {
		if !started {
			started = true
			if err := out.WriteHeader(); err != nil {
				return err
			}
		}
		return out.Write(row)
	})
	if err == nil && !started {
		err = out.WriteHeader() // no rows: the header alone
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		if !started {
			h.Del("Content-Disposition")
			app.apiError(w, r, err)
			return
		}
		// Part of the CSV may be on its way already: break the connection so
		// the client sees a failed download, never a silently short file.
		app.log.ErrorContext(r.Context(), "export failed mid-stream", slog.String("request_id", requestID(r)), slog.Any("error", err))
		panic(http.ErrAbortHandler)
	}
}

// baseURL is the site's public address, for links in exports: the
// configured one, or else the address this request came to.
func (app *App) baseURL(r *http.Request) string {
	if app.cfg.BaseURL != "" {
		return app.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
