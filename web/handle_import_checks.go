package web

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"claimtrail/components"
	"claimtrail/domain"
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
	watchUploadNames(r)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			refuse("That file is too large to upload here; import it on the server with claimtrail import -format claimreview.")
			return
		}
		if nameErr := unreadableUpload(r, "file"); nameErr != nil {
			refuse(domain.ErrorMessage(nameErr))
			return
		}
		refuse("Choose a ClaimReview file to upload.")
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, header, err := uploadedFile(r, "file")
	if domain.ErrorCode(err) == domain.EINVALID {
		refuse(domain.ErrorMessage(err))
		return
	} else if err != nil {
		refuse("Choose a ClaimReview file to upload.")
		return
	}
	defer file.Close()
	source := filepath.Base(header.Filename)
	sum, readErr, err := app.importClaimReview(r.Context(), file, source)
	if err != nil {
		app.error(w, r, err)
		return
	}
	if notClaimReview(sum, readErr) {
		// Nothing was stored: the file is not ClaimReview JSON at all.
		refuse("That file is not ClaimReview JSON (a JSON array, one object, an @graph or JSON Lines).")
		return
	}
	msg := fmt.Sprintf("Imported %s: %d added, %d updated, %d unchanged, %d skipped.", domain.ShortenMiddle(source, domain.MaxNameShown), sum.Added, sum.Updated, sum.Unchanged, len(sum.Skipped))
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
