package web

import (
	"cmp"
	"errors"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/domain/extract"
	"claimtrail/domain/triage"
	"claimtrail/storage"
	"claimtrail/web/ingest"
)

// Articles in: the list, the three ways of adding one, its page and its
// metadata. routes.go wraps each handler in app.reviewer (domain.CanReview).

func (app *App) articlesPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	list := components.ArticleList{Outlet: strings.TrimSpace(q.Get("outlet")), Query: strings.TrimSpace(q.Get("q")), Mine: q.Get("mine") == "1"}
	f := storage.ArticleFilter{Outlet: list.Outlet, Query: list.Query, Limit: 50}
	if list.Mine {
		f.AddedBy = currentUser(r).ID
	}
	f.BeforeCreated, f.BeforeID = parseCursor(q.Get("before"))
	list.Newest = f.BeforeCreated.IsZero()
	items, err := app.db.ListArticles(r.Context(), f)
	if err != nil {
		app.error(w, r, err)
		return
	}
	list.Items = items
	// Page links keep the filters.
	filters := url.Values{}
	for k, v := range map[string]string{"outlet": list.Outlet, "q": list.Query} {
		if v != "" {
			filters.Set(k, v)
		}
	}
	if list.Mine {
		filters.Set("mine", "1")
	}
	list.NewestURL = "/articles"
	if len(filters) > 0 {
		list.NewestURL += "?" + filters.Encode()
	}
	if len(items) == f.Limit {
		last := items[len(items)-1].Article
		filters.Set("before", formatCursor(last.CreatedAt, last.ID))
		list.OlderURL = "/articles?" + filters.Encode()
	}
	app.render(w, r, http.StatusOK, components.ArticlesPage(app.meta(w, r, "Articles"), list))
}

// The keyset cursor is "<microseconds since 1970>.<id>" of the last article shown.
func formatCursor(t time.Time, id int64) string {
	return strconv.FormatInt(t.UnixMicro(), 10) + "." + strconv.FormatInt(id, 10)
}

func parseCursor(s string) (time.Time, int64) {
	us, id, ok := strings.Cut(s, ".")
	u, err1 := strconv.ParseInt(us, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return time.Time{}, 0
	}
	return time.UnixMicro(u).UTC(), n
}

func (app *App) newArticlePage(w http.ResponseWriter, r *http.Request) {
	app.renderArticleForm(w, r, http.StatusOK, components.ArticleForm{})
}

// articleMeta is the metadata a person may type beside any way in; empty
// fields fall back to what was detected in the article.
// The three forms name these fields with different prefixes, so they are
// read by readMeta rather than decodeForm, and checked by checkMeta.
type articleMeta struct {
	Title, Outlet, Author, URL, Published string
}

// readMeta reads the metadata fields, named with prefix, from values. A
// field that cannot be read is named in the error, every such one, and the
// others are still read, so the form shows them back.
func readMeta(values url.Values, prefix string) (articleMeta, error) {
	m := articleMeta{}
	var unread *domain.Error
	for name, dst := range map[string]*string{"title": &m.Title, "outlet": &m.Outlet, "author": &m.Author, "url": &m.URL, "published": &m.Published} {
		v := values.Get(prefix + name)
		if !utf8.ValidString(v) {
			if unread == nil {
				unread = domain.FieldError(name, "This contains characters we could not read. Type it again.")
			}
			unread.Fields[name] = "This contains characters we could not read. Type it again."
			continue
		}
		*dst = strings.TrimSpace(v)
	}
	if unread != nil {
		return m, unread
	}
	return m, nil
}

func (m articleMeta) form(mode string) components.ArticleForm {
	return components.ArticleForm{Mode: mode, Title: m.Title, Outlet: m.Outlet, Author: m.Author, URL: m.URL, Published: m.Published}
}

// checkMeta checks the metadata: the date's shape with the form
// validator, everything else by the domain's rule, which the API uses too.
func (app *App) checkMeta(m articleMeta) components.FieldErrors {
	var tagged struct {
		Published string `form:"published" label:"publication date" validate:"omitempty,datetime=2006-01-02"`
	}
	tagged.Published = m.Published
	errs := app.validate.Check(&tagged)
	if _, bad := errs["published"]; !bad {
		if _, err := parseDate("published", m.Published); err != nil {
			errs = withDomainErrors(errs, err)
		}
	}
	if fe := fieldErrors(domain.CheckArticleDetails(m.Title, m.Outlet, m.Author, m.URL)); fe != nil {
		if errs == nil {
			errs = components.FieldErrors{}
		}
		maps.Copy(errs, fe)
	}
	return errs
}

// PrepareArticle turns an ingested article into one ready to store: the
// keys that recognise it if added again, and the extractor's candidate
// claims, scored by the base model.
func PrepareArticle(in ingest.Article, origin string) (*domain.Article, []*domain.Claim, error) {
	return PrepareArticleWith(in, origin, 0, extract.DefaultModel())
}

// PrepareArticleWith is PrepareArticle scoring with claim scorer version
// version, model m: the newsroom's scorer in use (storage.CurrentScorer).
// The browser, the API, imports and the demo seeding all add articles this
// way.
func PrepareArticleWith(in ingest.Article, origin string, version int64, m *extract.Model) (*domain.Article, []*domain.Claim, error) {
	a := &domain.Article{
		Title: strings.TrimSpace(in.Title), Outlet: strings.TrimSpace(in.Outlet), Author: strings.TrimSpace(in.Author),
		URL: strings.TrimSpace(in.URL), PublishedAt: in.PublishedAt, Body: in.Text, Origin: origin,
		ScorerVersion: version,
	}
	analysis := triage.AnalyseWith(m, a.Body)
	if a.Title == "" {
		a.Title = headlineFrom(cmp.Or(analysis.Lede, in.Text))
	}
	if a.URL != "" {
		key, err := ingest.NormalizeURL(a.URL)
		if err != nil {
			return nil, nil, err
		}
		a.URLKey = key
	}
	a.Fingerprint = ingest.TextFingerprint(a.Body)
	return a, analysis.Candidates, nil
}

// headlineFrom stands in for a missing headline: the first line of the
// article's lede, cut at a word near 120 characters.
func headlineFrom(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) <= 120 {
		return line
	}
	r := []rune(line)[:120]
	if i := strings.LastIndexByte(string(r), ' '); i > 60 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

// saveArticle stores an ingested article with the person's metadata on top
// and sends them to it; a duplicate sends them to the one already stored.
// On bad input it re-renders the form (view) with what was typed.
func (app *App) saveArticle(w http.ResponseWriter, r *http.Request, in ingest.Article, m articleMeta, origin string, view components.ArticleForm) {
	if m.Title != "" {
		in.Title = m.Title
	}
	if m.Outlet != "" {
		in.Outlet = m.Outlet
	}
	if m.Author != "" {
		in.Author = m.Author
	}
	if m.URL != "" {
		in.URL = m.URL
	}
	if m.Published != "" {
		t, err := parseDate("published", m.Published)
		if err != nil {
			app.articleFormError(w, r, view, err)
			return
		}
		in.PublishedAt = t
	}
	a, candidates, err := app.prepareArticle(r, in, origin)
	if err == nil {
		err = app.db.CreateArticle(r.Context(), a, candidates)
	}
	var dup *storage.DuplicateArticleError
	switch {
	case errors.As(err, &dup):
		app.duplicateArticle(w, r, dup)
	case err != nil:
		app.articleFormError(w, r, view, err)
	default:
		app.flash(w, r, "success", addedMessage(candidates))
		redirect(w, r, "/articles/"+itoa(a.ID))
	}
}

func addedMessage(cands []*domain.Claim) string {
	worthy := 0
	for _, c := range cands {
		if c.CheckWorthy {
			worthy++
		}
	}
	return "Article added. The extractor found " + plural(len(cands), "candidate claim") + ", " + strconv.Itoa(worthy) + " of them check-worthy."
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func (app *App) duplicateArticle(w http.ResponseWriter, r *http.Request, dup *storage.DuplicateArticleError) {
	how := "the same text"
	if dup.SameURL {
		how = "the same web address"
	}
	app.flash(w, r, "info", "This article is already in claimtrail (it has "+how+"), so you have been taken to it.")
	redirect(w, r, "/articles/"+itoa(dup.ID))
}

// articleFormError re-renders the add-article page with err beside its
// field: 413 for oversized input, 422 for the rest; anything without a
// field goes to the error page.
func (app *App) articleFormError(w http.ResponseWriter, r *http.Request, view components.ArticleForm, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		field := map[string]string{"paste": "body", "upload": "file", "fetch": "url"}[view.Mode]
		err = domain.FieldError(field, ingest.TooLargeMessage(field, app.cfg.MaxUploadBytes))
		err.(*domain.Error).Code = domain.ETOOLARGE
	}
	fe := fieldErrors(err)
	if fe == nil {
		app.error(w, r, err)
		return
	}
	view.Errors = fe
	status := statusOf(domain.ErrorCode(err))
	if status != http.StatusRequestEntityTooLarge {
		status = http.StatusUnprocessableEntity
	}
	app.renderArticleForm(w, r, status, view)
}

// metaRefused checks an article's details and, when any need fixing,
// re-renders the form with the messages beside their fields (422).
func (app *App) metaRefused(w http.ResponseWriter, r *http.Request, m articleMeta, view components.ArticleForm) bool {
	errs := app.checkMeta(m)
	if errs == nil {
		return false
	}
	view.Errors = errs
	app.renderArticleForm(w, r, http.StatusUnprocessableEntity, view)
	return true
}

func (app *App) renderArticleForm(w http.ResponseWriter, r *http.Request, status int, view components.ArticleForm) {
	app.render(w, r, status, components.NewArticlePage(app.meta(w, r, "Add an article"), view))
}

// addArticle takes the add-article page's one form: one set of details and
// the source chosen among its tabs (source = paste, upload or fetch), posted
// as multipart so a file can come with it. Whatever was typed in every tab
// comes back on a refusal, with the chosen tab still chosen. A post without
// a source is pasted text, as API clients and older pages send it.
func (app *App) addArticle(w http.ResponseWriter, r *http.Request) {
	view := components.ArticleForm{Mode: "paste"}
	if isMultipart(r) {
		// The whole body is capped (limitBody), the file at MaxUploadBytes+1
		// as it is read (trimUploads).
		watchUploadNames(r)
		trimUploads(r, app.cfg.MaxUploadBytes)
		defer r.Body.Close() // ends the trimming if the parser stopped early
		if err := parseMultipartForm(r); err != nil {
			view.Mode = "upload" // what is unreadable or too large is most likely the file
			if errors.Is(err, multipart.ErrMessageTooLarge) {
				err = &http.MaxBytesError{Limit: app.cfg.MaxUploadBytes}
			} else if nameErr := unreadableUpload(r, "file"); nameErr != nil {
				err = nameErr
			}
			app.articleFormError(w, r, view, err)
			return
		}
		defer r.MultipartForm.RemoveAll()
	} else if err := parseForm(r); err != nil {
		app.articleFormError(w, r, view, err)
		return
	}
	var form struct {
		Body string `form:"body,raw"`
	}
	m, err := readMeta(r.PostForm, "")
	view = m.form(sourceMeant(r, cmp.Or(r.PostForm.Get("source"), "paste")))
	address := r.PostForm.Get("address")
	view.Body, view.Address = echoText(r.PostForm.Get("body")), echoText(address)
	if uploadEnded(r) {
		// More than we read: the fields before the cap are shown back.
		view.Mode = "upload"
		app.articleFormError(w, r, view, &http.MaxBytesError{Limit: app.cfg.MaxUploadBytes})
		return
	}
	if err == nil && view.Mode == "paste" {
		err = fillForm(r.PostForm, &form)
	}
	switch {
	case err != nil:
		app.articleFormError(w, r, view, err)
	case view.Mode == "paste":
		app.addPasted(w, r, m, form.Body, view)
	case view.Mode == "upload":
		app.addUploaded(w, r, m, view)
	case view.Mode == "fetch":
		app.addFetched(w, r, m, address, view)
	default:
		view.Mode = "paste"
		app.articleFormError(w, r, view, domain.FieldError("source", "Choose how to add the article: paste its text, upload a file or give its web address."))
	}
}

// sourceMeant is the source an add-article post means: the chosen one,
// unless the sources showed one under another (no JavaScript: no tabs),
// nothing was given under the chosen one and something was under exactly
// one other. Someone who gives a web address below the untouched "Paste
// text" choice means that address, not an empty paste.
func sourceMeant(r *http.Request, chosen string) string {
	if r.PostForm.Get("source_shown") == "tabs" {
		return chosen
	}
	given := map[string]bool{
		"paste":  strings.TrimSpace(r.PostForm.Get("body")) != "",
		"upload": r.MultipartForm != nil && len(r.MultipartForm.File["file"]) > 0 && r.MultipartForm.File["file"][0].Filename != "" || nameUnreadable(r, "file"),
		"fetch":  strings.TrimSpace(r.PostForm.Get("address")) != "",
	}
	if given[chosen] {
		return chosen
	}
	meant, n := chosen, 0
	for _, s := range []string{"paste", "upload", "fetch"} {
		if given[s] {
			meant, n = s, n+1
		}
	}
	if n == 1 {
		return meant
	}
	return chosen
}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

func (app *App) addPasted(w http.ResponseWriter, r *http.Request, m articleMeta, body string, view components.ArticleForm) {
	if app.metaRefused(w, r, m, view) {
		return
	}
	in, err := ingest.FromText(body, app.cfg.MaxUploadBytes)
	if err != nil {
		app.articleFormError(w, r, view, err)
		return
	}
	app.saveArticle(w, r, in, m, domain.OriginPaste, view)
}

// uploadArticle is the upload form of earlier pages, whose details carry
// the prefix "upload-"; it now shows the one add-article form on refusal.
func (app *App) uploadArticle(w http.ResponseWriter, r *http.Request) {
	view := components.ArticleForm{Mode: "upload"}
	watchUploadNames(r)
	trimUploads(r, app.cfg.MaxUploadBytes)
	defer r.Body.Close()
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if nameErr := unreadableUpload(r, "file"); nameErr != nil {
			err = nameErr
		} else if !errors.As(err, &tooBig) {
			err = domain.FieldError("file", "Choose a file to upload: a .txt, .md or .html file.")
		}
		app.articleFormError(w, r, view, err)
		return
	}
	defer r.MultipartForm.RemoveAll()
	m, err := readMeta(r.PostForm, "upload-")
	view = m.form("upload")
	if err == nil && uploadEnded(r) {
		err = &http.MaxBytesError{Limit: app.cfg.MaxUploadBytes}
	}
	if err != nil {
		app.articleFormError(w, r, view, err)
		return
	}
	app.addUploaded(w, r, m, view)
}

// addUploaded adds the file of a parsed multipart form.
func (app *App) addUploaded(w http.ResponseWriter, r *http.Request, m articleMeta, view components.ArticleForm) {
	if app.metaRefused(w, r, m, view) {
		return
	}
	file, header, err := uploadedFile(r, "file")
	if domain.ErrorCode(err) == domain.EINVALID {
		app.articleFormError(w, r, view, err)
		return
	} else if err != nil {
		app.articleFormError(w, r, view, domain.FieldError("file", "Choose a file to upload: a .txt, .md or .html file."))
		return
	}
	defer file.Close()
	in, err := ingest.FromUpload(header.Filename, file, app.cfg.MaxUploadBytes)
	if err != nil {
		app.articleFormError(w, r, view, err)
		return
	}
	app.saveArticle(w, r, in, m, domain.OriginUpload, view)
}

// fetchArticle is the fetch form of earlier pages: the address in "url",
// details with the prefix "fetch-".
func (app *App) fetchArticle(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		app.articleFormError(w, r, components.ArticleForm{Mode: "fetch"}, err)
		return
	}
	m, err := readMeta(r.PostForm, "fetch-")
	address := r.PostForm.Get("url")
	view := m.form("fetch")
	view.Address = echoText(address)
	if err != nil {
		app.articleFormError(w, r, view, err)
		return
	}
	app.addFetched(w, r, m, address, view)
}

// addFetched fetches the article at address. Its errors are the field
// "url", which the page shows beside the address to fetch.
func (app *App) addFetched(w http.ResponseWriter, r *http.Request, m articleMeta, address string, view components.ArticleForm) {
	address = strings.TrimSpace(address)
	var err error
	if !utf8.ValidString(address) {
		err = domain.FieldError("url", "This contains characters we could not read. Type it again.")
	} else if address == "" {
		err = domain.FieldError("url", "Enter the article's web address, starting with https://.")
	}
	if err != nil {
		app.articleFormError(w, r, view, err)
		return
	}
	m.URL = "" // the address is the page's final one, after redirects
	if app.metaRefused(w, r, m, view) {
		return
	}
	key, err := ingest.NormalizeURL(address)
	if err != nil {
		app.articleFormError(w, r, view, err)
		return
	}
	// An address already added is not fetched again.
	if id, err := app.db.ArticleIDByURLKey(r.Context(), key); err != nil {
		app.error(w, r, err)
		return
	} else if id != 0 {
		app.duplicateArticle(w, r, &storage.DuplicateArticleError{ID: id, SameURL: true})
		return
	}
	in, err := app.cfg.Fetcher.Fetch(r.Context(), address)
	if err != nil {
		app.articleFormError(w, r, view, err)
		return
	}
	app.saveArticle(w, r, in, m, domain.OriginURL, view)
}

// articleView loads an article and its claims for the article page.
func (app *App) articleView(r *http.Request, id int64) (components.ArticleView, error) {
	a, err := app.db.ArticleByID(r.Context(), id)
	if err != nil {
		return components.ArticleView{}, err
	}
	claims, err := app.db.ArticleClaims(r.Context(), id)
	if err != nil {
		return components.ArticleView{}, err
	}
	matches, err := app.db.ArticleMatches(r.Context(), id)
	if err != nil {
		return components.ArticleView{}, err
	}
	appearances, err := app.db.CandidateAppearances(r.Context(), id)
	if err != nil {
		return components.ArticleView{}, err
	}
	return components.ArticleView{Article: a, Claims: claims, Matches: matches, Appearances: appearances}, nil
}

func (app *App) articlePage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		app.error(w, r, err)
		return
	}
	typed := app.takeCarried(r, articlePath(id))
	// The page as plainly asked for again is kept as drawn while nothing
	// changes (keptPages): it is the same for everyone who may open it. Text
	// carried over from a post is drawn afresh.
	gen, keep := app.db.Generation(r.Context())
	keep = keep && len(typed) == 0
	key := "article|" + itoa(id)
	seen := false
	if keep {
		var html []byte
		if html, seen = app.keptItemPages.get(gen, key, time.Time{}); html != nil {
			// The title (the layout's) comes from the kept read of the
			// article, which also answers a page for an unknown id.
			a, err := app.db.ArticleByID(r.Context(), id)
			if err != nil {
				app.error(w, r, err)
				return
			}
			app.render(w, r, http.StatusOK, components.PageWith(app.meta(w, r, a.Title), components.KeptHTML(html)))
			return
		}
	}
	v, err := app.articleView(r, id)
	if err != nil {
		app.error(w, r, err)
		return
	}
	v.Carried = applyArticleTyped(&v, typed)
	if keep && !seen {
		app.keptItemPages.mark(gen, key)
	} else if keep {
		if html := keptBody(r.Context(), components.ArticleBody(v)); html != nil {
			app.keptItemPages.put(gen, key, html, time.Time{})
			app.render(w, r, http.StatusOK, components.PageWith(app.meta(w, r, v.Article.Title), components.KeptHTML(html)))
			return
		}
	}
	app.render(w, r, http.StatusOK, components.ArticlePage(app.meta(w, r, v.Article.Title), v))
}

// renderArticle re-renders the article page after a failed form on it:
// fill sets what the failed form shows, and everything else typed on the
// page is put back as it was posted.
func (app *App) renderArticle(w http.ResponseWriter, r *http.Request, status int, id int64, fill func(*components.ArticleView)) {
	v, err := app.articleView(r, id)
	if err != nil {
		app.error(w, r, err)
		return
	}
	fill(&v)
	applyArticleTyped(&v, r.PostForm)
	app.render(w, r, status, components.ArticlePage(app.meta(w, r, v.Article.Title), v))
}

func (app *App) editArticle(w http.ResponseWriter, r *http.Request) {
	id, err := postedID(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	m, err := readMeta(r.PostForm, "")
	view := m.form("edit")
	// Every field that needs fixing is named at once, beside what was
	// typed in each, unreadable text excepted.
	fail := func(errs components.FieldErrors) {
		view.Errors = errs
		app.renderArticle(w, r, http.StatusUnprocessableEntity, id, func(v *components.ArticleView) { v.Edit = view })
	}
	errs := withDomainErrors(fieldErrors(err), domain.CheckStoredHeadline(m.Title))
	for field, msg := range app.checkMeta(m) {
		if _, named := errs[field]; !named {
			errs = withDomainErrors(errs, domain.FieldError(field, msg))
		}
	}
	a := &domain.Article{ID: id, Title: m.Title, Outlet: m.Outlet, Author: m.Author, URL: m.URL}
	if _, bad := errs["url"]; !bad && a.URL != "" {
		var err error
		if a.URLKey, err = ingest.NormalizeURL(a.URL); err != nil {
			errs = withDomainErrors(errs, err)
		}
	}
	if errs != nil {
		fail(errs)
		return
	}
	a.PublishedAt, _ = parseDate("published", m.Published) // checked by checkMeta
	// When the details were last changed, as this page showed them; a page
	// from before the field was sent checks nothing.
	if seen, err := strconv.ParseInt(r.PostForm.Get("article_seen"), 10, 64); err == nil && seen > 0 {
		a.UpdatedAt = time.UnixMicro(seen).UTC()
	}
	_, err = app.db.UpdateArticle(r.Context(), a)
	var dup *storage.DuplicateArticleError
	switch {
	case errors.As(err, &dup):
		fail(components.FieldErrors{"url": "Another article in claimtrail (number " + itoa(dup.ID) + ") already has this web address."})
		return
	case fieldErrors(err) != nil:
		fail(fieldErrors(err))
		return
	case err != nil:
		// What was typed stays in the form, beside why it was not saved.
		app.refuseOnPage(w, r, err, func(status int, problem string) {
			app.renderArticle(w, r, status, id, func(v *components.ArticleView) { v.Edit, v.Problem = view, problem })
		})
		return
	}
	app.carryArticle(r, id, articleDetailFields...)
	app.flash(w, r, "success", "The article's details are saved.")
	redirect(w, r, "/articles/"+itoa(id))
}

// echoText is what a refused form shows back of what was typed: readable
// UTF-8 without NULs and other control characters (tabs and line breaks
// stay), so the page stays valid HTML and the rest can be fixed and resent.
func echoText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7F {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// prepareArticle is PrepareArticleWith the newsroom's claim scorer in use.
func (app *App) prepareArticle(r *http.Request, in ingest.Article, origin string) (*domain.Article, []*domain.Claim, error) {
	version, m, err := app.db.CurrentScorer(r.Context())
	if err != nil {
		return nil, nil, err
	}
	return PrepareArticleWith(in, origin, version, m)
}
