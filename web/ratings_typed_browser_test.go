package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserRatingsPageKeepsTypedWork types a new value into one rating's
// row, unticks another's "On the scale" and fills in a new rating, then
// saves a third row, moves a row and adds the new rating: each button does
// its own job and what was typed elsewhere stays, with JavaScript off and
// on. The rows' inputs sit in their own columns.
func TestBrowserRatingsPageKeepsTypedWork(t *testing.T) {
	for _, script := range []bool{false, true} {
		name := "without-script"
		if script {
			name = "with-script"
		}
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t)
			env.createUser("eddie@newsroom.example", domain.RoleEditor)
			trueID, mostlyFalse, falseID := env.ratingID("True"), env.ratingID("Mostly false"), env.ratingID("False")
			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if !script {
				browsertest.NoScript(t, b.ctx)
			}
			b.signIn("eddie@newsroom.example")
			b.do("open the ratings", chromedp.Navigate(env.srv.URL+"/ratings"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="ratings"]`)))

			// Each input is in the column under its header.
			for i, sel := range []string{`[data-testid="rating-name"]`, `[data-testid="rating-value"]`, `[data-testid="rating-on-scale"]`} {
				got := b.eval(`Promise.resolve(String(document.querySelector('[data-rating-id="` + trueID + `"] ` + sel + `').closest("td").cellIndex))`)
				if got != itoa(int64(i)) {
					t.Errorf("%s is in column %s, want %d", sel, got, i)
				}
			}

			b.clear(`#value-` + mostlyFalse)
			b.clear(`#name-` + trueID)
			b.do("type in two rows and the new rating",
				chromedp.SendKeys(chromedp.CSS(`#value-`+mostlyFalse), "2.5"),
				chromedp.Click(chromedp.CSS(`#on-scale-`+falseID)),
				chromedp.SendKeys(chromedp.CSS(`[data-testid="new-rating-form"] #name`), "Needs context"),
				chromedp.SendKeys(chromedp.CSS(`[data-testid="new-rating-form"] #value`), "3.5"),
				chromedp.SendKeys(chromedp.CSS(`#name-`+trueID), "Accurate"),
			)
			wantKept := func(after string) {
				t.Helper()
				if got := b.value(`#value-` + mostlyFalse); got != "2.5" {
					t.Errorf("after %s, Mostly false's value is %q", after, got)
				}
				if got := b.eval(`Promise.resolve(String(document.querySelector('#on-scale-` + falseID + `').checked))`); got != "false" {
					t.Errorf("after %s, False's On the scale box is ticked again", after)
				}
			}
			b.submit("save the first row", `[data-rating-id="`+trueID+`"] [data-testid="rating-save"]`, `[data-testid="flash-success"]`)
			var stored string
			if err := env.raw().QueryRow(`SELECT name FROM ratings WHERE id = ?`, trueID).Scan(&stored); err != nil || stored != "Accurate" {
				t.Fatalf("saved name %q (%v)", stored, err)
			}
			wantKept("saving another row")
			if got := b.value(`[data-testid="new-rating-form"] #name`); got != "Needs context" {
				t.Errorf("new rating's name after saving a row: %q", got)
			}
			if got := b.value(`[data-testid="new-rating-form"] #value`); got != "3.5" {
				t.Errorf("new rating's value after saving a row: %q", got)
			}
			var value float64
			if err := env.raw().QueryRow(`SELECT value FROM ratings WHERE id = ?`, mostlyFalse).Scan(&value); err != nil || value != 2 {
				t.Errorf("Mostly false was saved without its Save: %v (%v)", value, err)
			}
			browsertest.Screenshot(t, b.ctx, "after-save")

			b.submit("move a row down", `[data-rating-id="`+trueID+`"] [data-testid="rating-down"]`, `[data-testid="typed-kept"]`)
			if first := b.eval(`Promise.resolve(document.querySelector('[data-testid="rating-row"]').dataset.ratingId)`); first == trueID {
				t.Error("the row did not move")
			}
			wantKept("moving a row")

			b.submit("add the new rating", `[data-testid="create-rating"]`, `[data-testid="flash-success"]`)
			if n := env.count(`SELECT count(*) FROM ratings WHERE name = 'Needs context' AND value = 3.5`); n != 1 {
				t.Errorf("%d new ratings", n)
			}
			wantKept("adding a rating")
			if got := b.value(`[data-testid="new-rating-form"] #name`); got != "" {
				t.Errorf("the added rating is still in its form: %q", got)
			}

			// A refused save (no name) keeps the other rows as typed.
			b.clear(`#name-` + trueID)
			b.submit("save a row without a name", `[data-rating-id="`+trueID+`"] [data-testid="rating-save"]`, `[data-rating-id="`+trueID+`"] [data-testid="error-name"]`)
			wantKept("a refused save")
			browsertest.Screenshot(t, b.ctx, "refused")
		})
	}
}
