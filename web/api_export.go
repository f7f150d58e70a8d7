package web

import (
	"net/http"

	"claimtrail/web/csvexport"
)

// GET /api/v1/export.csv: the export page's CSV, with the same filters
// (csvexport.ParseFilter) streamed by the same code (app.streamCSV, whose
// storage.ExportClaims audits the export). Bad filters are a JSON 422.
func (app *App) apiExportCSV(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter, err := csvexport.ParseFilter(q)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	app.streamCSV(w, r, filter, q.Get("bom") != "")
}
