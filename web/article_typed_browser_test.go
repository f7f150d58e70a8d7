package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// triageArticle adds, as the signed-in reviewer c, an article with several
// candidate claims and returns its address and the candidates' ids, most
// check-worthy first as the page lists them.
func (e *testEnv) triageArticle(c *client) (string, []int64) {
	e.t.Helper()
	res := c.postForm("/articles", url.Values{"title": {"Spring statement"}, "body": {
		"The chancellor said borrowing fell to 4.1% of GDP last year. " +
			"Unemployment rose by 200,000 in March, according to the statistics office. " +
			"Inflation reached 11.1% in October 2022, the highest in forty years. " +
			"The minister claimed that 40 new hospitals would be built by 2030."}})
	wantStatus(e.t, res, 303)
	article := res.Header.Get("Location")
	rows, err := e.raw().Query(`SELECT id FROM claims WHERE article_id = ? AND state = 'candidate' ORDER BY score DESC, start_offset`,
		strings.TrimPrefix(article, "/articles/"))
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) < 3 {
		e.t.Fatalf("the article has %d candidates, want at least 3", len(ids))
	}
	return article, ids
}

// value reads a field's value on the page.
func (b *browser) value(sel string) string {
	b.t.Helper()
	return b.eval(`Promise.resolve(document.querySelector(` + jsString(sel) + `).value)`)
}

// clear empties a field on the page.
func (b *browser) clear(sel string) {
	b.t.Helper()
	b.eval(`Promise.resolve(document.querySelector(` + jsString(sel) + `).value = "")`)
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// TestBrowserArticlePageKeepsTypedWork types on the article page in several
// places — a reworded claim, another claim's dismissal reason and note, a
// claim to add, the bulk note, a ticked row — and presses one row's button:
// that row is decided and everything else typed is still on the page, with
// JavaScript off (a plain post and its redirect) and on (htmx swaps the row,
// then a plain post for the added claim).
func TestBrowserArticlePageKeepsTypedWork(t *testing.T) {
	for _, script := range []bool{false, true} {
		name := "without-script"
		if script {
			name = "with-script"
		}
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t)
			rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
			article, ids := env.triageArticle(rita)
			first, second, third := itoa(ids[0]), itoa(ids[1]), itoa(ids[2])

			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if !script {
				browsertest.NoScript(t, b.ctx)
			}
			b.signIn("rita@newsroom.example")
			b.do("open the article", chromedp.Navigate(env.srv.URL+article), chromedp.WaitVisible(chromedp.CSS(`[data-testid="claims-by-score"]`)))

			wording := "Borrowing was 4.1% of GDP in the last financial year."
			note := "Already checked by the desk last week."
			quote := "the highest in forty years"
			bulkNote := "Left for the politics team"
			b.do("type in several places",
				chromedp.Click(chromedp.CSS(`#claim-row-`+first+` [data-testid="accept-form"] details summary`)),
				chromedp.SendKeys(chromedp.CSS(`#text-`+first), wording),
				chromedp.SetValue(chromedp.CSS(`#reason-code-`+second), string(domain.DismissOther)),
				chromedp.SendKeys(chromedp.CSS(`#reason-`+second), note),
				chromedp.SendKeys(chromedp.CSS(`#bulk-reason`), bulkNote),
				chromedp.Click(chromedp.CSS(`#claim-row-`+third+` [data-testid="select-claim"]`)),
			)
			if script {
				// With the script the box appears when a passage is selected.
				b.eval(`Promise.resolve((() => {
					const text = document.querySelector('[data-article-text]');
					const want = ` + jsString(quote) + `;
					const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
					const nodes = [];
					let all = "", node;
					while ((node = walker.nextNode())) { nodes.push([node, all.length]); all += node.data; }
					const from = all.indexOf(want), to = from + want.length;
					const at = (i) => { for (let k = nodes.length - 1; k >= 0; k--) if (nodes[k][1] <= i) return [nodes[k][0], i - nodes[k][1]]; };
					const range = document.createRange();
					range.setStart(...at(from));
					range.setEnd(...at(to));
					getSelection().removeAllRanges();
					getSelection().addRange(range);
					document.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
					return "";
				})())`)
			} else {
				b.do("type a claim to add", chromedp.SendKeys(chromedp.CSS(`#quote`), quote))
			}
			// With the script htmx swaps the row in place; without, the
			// post leads to the article page again.
			decide := func(what, button, want string) {
				t.Helper()
				if script {
					b.do(what, chromedp.Click(chromedp.CSS(button)))
					return
				}
				b.submit(what, button, want)
			}
			b.clearFlash()
			decide("accept the first claim reworded", `#claim-row-`+first+` [data-testid="accept"]`, `#claim-row-`+first+`[data-state="queued"]`)
			b.waitFor("the first claim accepted", `document.querySelector('#claim-row-`+first+`').dataset.state === "queued"`)
			browsertest.Screenshot(t, b.ctx, "after-accept")
			var text, state string
			if err := env.raw().QueryRow(`SELECT text, state FROM claims WHERE id = ?`, ids[0]).Scan(&text, &state); err != nil || state != "queued" || text != wording {
				t.Fatalf("accepted claim: %q %q %v", text, state, err)
			}
			if got := b.value(`#reason-code-` + second); got != string(domain.DismissOther) {
				t.Errorf("second row's reason after accepting the first: %q", got)
			}
			if got := b.value(`#reason-` + second); got != note {
				t.Errorf("second row's note after accepting the first: %q", got)
			}
			if got := b.value(`#quote`); got != quote {
				t.Errorf("claim to add after accepting the first: %q", got)
			}
			if got := b.value(`#bulk-reason`); got != bulkNote {
				t.Errorf("bulk note after accepting the first: %q", got)
			}
			if got := b.eval(`Promise.resolve(String(document.querySelector('#claim-row-` + third + ` [data-testid="select-claim"]').checked))`); got != "true" {
				t.Error("the ticked row is no longer ticked")
			}
			if !script && b.eval(`Promise.resolve(String(document.querySelectorAll('[data-testid="typed-kept"]').length))`) != "1" {
				t.Error("no word that the typed text was kept")
			}

			b.clearFlash()
			decide("dismiss the second claim with its reason and note", `#claim-row-`+second+` [data-testid="dismiss"]`, `#claim-row-`+second+`[data-state="dismissed"]`)
			b.waitFor("the second claim dismissed", `document.querySelector('#claim-row-`+second+`').dataset.state === "dismissed"`)
			var reason string
			if err := env.raw().QueryRow(`SELECT dismiss_reason FROM claims WHERE id = ?`, ids[1]).Scan(&reason); err != nil || reason != note {
				t.Errorf("dismissal note saved as %q (%v)", reason, err)
			}
			if got := b.value(`#quote`); got != quote {
				t.Errorf("claim to add after dismissing the second: %q", got)
			}

			// A refused dismissal ("Other" without a note) keeps the rest too.
			b.clearFlash()
			b.do("choose Other for the third claim", chromedp.SetValue(chromedp.CSS(`#reason-code-`+third), string(domain.DismissOther)))
			decide("dismiss the third claim as Other without a note", `#claim-row-`+third+` [data-testid="dismiss"]`, `#claim-row-`+third+` [data-testid="error-reason"]`)
			b.do("see the refusal beside the reason", chromedp.WaitVisible(chromedp.CSS(`#claim-row-`+third+` [data-testid="error-reason"]`)))
			if got := b.value(`#quote`); got != quote {
				t.Errorf("claim to add after a refused dismissal: %q", got)
			}
			if got := b.value(`#bulk-reason`); got != bulkNote {
				t.Errorf("bulk note after a refused dismissal: %q", got)
			}

			b.submit("add the typed claim", `[data-testid="add-claim"]`, `[data-testid="flash-success"]`)
			if got := b.value(`#bulk-reason`); got != bulkNote {
				t.Errorf("bulk note after adding a claim: %q", got)
			}
			if got := b.value(`#quote`); got != "" {
				t.Errorf("the added claim is still in its box: %q", got)
			}
			browsertest.Screenshot(t, b.ctx, "after-add")
		})
	}
}
