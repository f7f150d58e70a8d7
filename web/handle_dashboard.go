package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/storage/kept"
	"claimtrail/web/csvexport"
)

// deskView reads the dashboard, with its charts, for the filter in the
// address. A filter that cannot be read is shown back with its messages
// over the default period's dashboard, and status says so (422).
func (app *App) deskView(r *http.Request) (components.DashboardView, int, error) {
	v, status, err := app.deskFigures(r)
	if err == nil {
		v.Charts = components.DeskCharts(v.Desk)
	}
	return v, status, err
}

// deskFigures is deskView without drawing the charts.
func (app *App) deskFigures(r *http.Request) (components.DashboardView, int, error) {
	q := r.URL.Query()
	v := components.DashboardView{From: q.Get("from"), To: q.Get("to"), Outlet: strings.TrimSpace(q.Get("outlet"))}
	status := http.StatusOK
	f, err := domain.ParseDeskFilter(v.From, v.To, v.Outlet, time.Now())
	var de *domain.Error
	if errors.As(err, &de) {
		v.Errors, status = components.FieldErrors(de.Fields), http.StatusUnprocessableEntity
	} else if err != nil {
		return v, 0, err
	}
	if status == http.StatusOK {
		v.From, v.To = f.From.Format("2006-01-02"), f.To.Format("2006-01-02")
	} else {
		// Keep what was typed, at fault or not (a start after the end is
		// the end's fault, but the start was typed too); fill in only the
		// dates left empty.
		if strings.TrimSpace(v.From) == "" {
			v.From = f.From.Format("2006-01-02")
		}
		if strings.TrimSpace(v.To) == "" {
			v.To = f.To.Format("2006-01-02")
		}
	}
	d, err := app.db.Desk(r.Context(), f)
	if err != nil {
		return v, 0, err
	}
	v.Desk = d
	return v, status, nil
}

// dashboard shows editors and admins the desk at a glance. Its charts are
// drawn once for each filter and state of the desk (deskChartCache).
func (app *App) dashboard(w http.ResponseWriter, r *http.Request) {
	v, status, err := app.deskFigures(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	key := deskChartKey{v.Desk.Filter.From, v.Desk.Filter.To, v.Desk.Filter.Outlet}
	html, keep := app.deskCharts.get(key, v.Desk.Generation)
	if html == nil {
		// Drawn into a reused buffer; what is kept is an exact copy.
		b := chartBuffers.Get().(*[]byte)
		defer chartBuffers.Put(b)
		*b = components.AppendDashboardCharts((*b)[:0], components.DeskCharts(v.Desk))
		html = *b
		if keep {
			html = bytes.Clone(html)
			app.deskCharts.put(key, v.Desk.Generation, html)
		}
	}
	v.RenderedCharts = components.KeptHTML(html)
	app.render(w, r, status, components.DashboardPage(app.meta(w, r, "Dashboard"), v))
}

// chartBuffers holds the buffers the dashboard's charts are drawn into.
var chartBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// deskChartCache keeps the dashboard's charts as rendered, for a filter and
// the desk generation its figures were read at (domain.Desk.Generation):
// the charts show nothing else, so while the generation stands they are
// the same bytes. Charts are kept from the second time a filter is drawn
// at a generation: a period asked once is not copied for nothing.
type deskChartCache struct {
	entries *kept.Cache[deskChartKey, []byte]
	asked   *kept.Cache[deskChartKey, struct{}] // filters drawn once
}

type deskChartKey struct {
	from, to time.Time
	outlet   string
}

// deskChartsKept bounds how many filters' charts are kept, and how many
// filters drawn once are remembered.
const deskChartsKept = 64

func newDeskChartCache() deskChartCache {
	return deskChartCache{kept.New[deskChartKey, []byte](deskChartsKept), kept.New[deskChartKey, struct{}](4 * deskChartsKept)}
}

// get returns the charts kept for k at gen, or nil and whether the caller
// should keep the charts it draws (put): k was drawn at gen before.
func (c deskChartCache) get(k deskChartKey, gen int64) (html []byte, keep bool) {
	if html, ok := c.entries.Get(gen, k); ok {
		return html, false
	}
	if _, ok := c.asked.Get(gen, k); ok {
		return nil, true
	}
	c.asked.Put(gen, k, struct{}{})
	return nil, false
}

func (c deskChartCache) put(k deskChartKey, gen int64, html []byte) {
	c.entries.Put(gen, k, html)
}

// dashboardCSV sends the numbers behind one of the dashboard's charts.
func (app *App) dashboardCSV(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".csv")
	v, status, err := app.deskView(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	if status != http.StatusOK {
		app.error(w, r, &domain.Error{Code: domain.EINVALID, Message: "The dashboard's filters in this address need fixing: " + firstMessage(v.Errors), Fields: v.Errors})
		return
	}
	c := v.Chart(id)
	if !ok || c == nil {
		app.error(w, r, domain.Errorf(domain.ENOTFOUND, "There is no such chart."))
		return
	}
	writeChartCSV(w, "claimtrail-"+id+"-"+v.From+"-to-"+v.To+".csv", c.Table.Columns, c.Table.Rows)
}

// writeChartCSV sends a chart's table as a CSV download.
func writeChartCSV(w http.ResponseWriter, filename string, columns []string, rows [][]string) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	// Columns name ratings, which editors name as they like.
	header := make([]string, len(columns))
	for i, col := range columns {
		header[i] = csvexport.Neutralise(col)
	}
	cw.Write(header)
	for _, row := range rows {
		out := make([]string, len(row))
		for i, cell := range row {
			out[i] = csvexport.Neutralise(cell)
		}
		cw.Write(out)
	}
	cw.Flush()
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+strings.Map(safeFilenameRune, filename)+`"`)
	h.Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// safeFilenameRune keeps a download's name to letters, digits, dots and
// dashes, whatever an outlet or claimant is called.
func safeFilenameRune(r rune) rune {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
		return r
	}
	return '-'
}

func firstMessage(errs components.FieldErrors) string {
	for _, f := range []string{"from", "to", "outlet"} {
		if m := errs[f]; m != "" {
			return m
		}
	}
	return ""
}
