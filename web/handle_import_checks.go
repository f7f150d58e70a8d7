package web

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/domain/claimreview"
)

// importChecksPage shows the upload form for ClaimReview files (editors).
func (app *App) importChecksPage(w http.ResponseWriter, r *http.Request) {
	app.renderImportChecks(w, r, http.StatusOK, nil)
}

func (app *App) renderImportChecks(w http.ResponseWriter, r *http.Request, status int, errs components.FieldErrors) {
	n, err := app.db.CountImportedChecks(r.Context())
	if err != nil {
		app.error(w, r, err)
		return
	}
	app.render(w, r, status, components.ImportChecksPage(app.meta(w, r, "Import fact checks"), n, errs))
}

// importChecks reads an uploaded ClaimReview file and imports its checks in
// batches; a bad item is skipped with its reason, and the summary says what
// happened.
func (app *App) importChecks(w http.ResponseWriter, r *http.Request) {
	refuse := func(msg string) {
		app.renderImportChecks(w, r, http.StatusUnprocessableEntity, components.FieldErrors{"file": msg})
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			refuse("That file is too large to upload here; import it on the server with claimtrail import -format claimreview.")
			return
		}
		refuse("Choose a ClaimReview file to upload.")
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, header, err := r.FormFile("file")
	if err != nil {
		refuse("Choose a ClaimReview file to upload.")
		return
	}
	defer file.Close()
	source := filepath.Base(header.Filename)
	var sum domain.ImportSummary
	var batch []domain.ImportedCheck
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		got, err := app.db.ImportChecks(r.Context(), batch)
		sum.Add(got)
		batch = batch[:0]
		return err
	}
	readErr := claimreview.Read(file, func(it claimreview.Item) error {
		if it.Err != nil {
			var de *domain.Error
			reason := "it cannot be read"
			if errors.As(it.Err, &de) {
				reason = de.Message
			}
			sum.Skipped = append(sum.Skipped, domain.ImportSkip{Item: it.N, URL: it.Check.URL, Reason: reason})
			return nil
		}
		it.Check.Source = source
		batch = append(batch, it.Check)
		if len(batch) == 500 {
			return flush()
		}
		return nil
	})
	var de *domain.Error
	switch {
	case readErr != nil && !errors.As(readErr, &de) && sum.Added+sum.Updated+sum.Unchanged == 0 && len(batch) == 0:
		// Nothing was stored: the file is not ClaimReview JSON at all.
		refuse("That file is not ClaimReview JSON (a JSON array, one object, an @graph or JSON Lines).")
		return
	}
	if err := flush(); err != nil {
		app.error(w, r, err)
		return
	}
	msg := fmt.Sprintf("Imported %s: %d added, %d updated, %d unchanged, %d skipped.", source, sum.Added, sum.Updated, sum.Unchanged, len(sum.Skipped))
	if readErr != nil {
		msg += " The file stops being readable part way; the checks before that point are in."
	}
	var why []string
	for _, s := range sum.Skipped[:min(len(sum.Skipped), 5)] {
		why = append(why, fmt.Sprintf("item %d: %s", s.Item, s.Reason))
	}
	if len(why) > 0 {
		msg += " Skipped " + strings.Join(why, "; ") + "."
	}
	app.flash(w, r, "success", msg)
	http.Redirect(w, r, "/import/checks", http.StatusSeeOther)
}
