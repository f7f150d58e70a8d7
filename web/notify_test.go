package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/storage/keyfile"
	"claimtrail/web/ingest"
)

// chatServer is a stand-in for the newsroom's chat: it refuses the first
// message (a chat having a bad moment) and keeps the rest.
type chatServer struct {
	mu       sync.Mutex
	refused  int
	messages []string
}

func (c *chatServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refused == 0 {
		c.refused++
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	var msg struct{ Text string }
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &msg) != nil || msg.Text == "" {
		http.Error(w, "not a Slack-style message", http.StatusBadRequest)
		return
	}
	c.messages = append(c.messages, msg.Text)
}

func (c *chatServer) got() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.messages...)
}

// TestNotificationsReachTheRightPeople walks a claim through assignment,
// submission and return with the notifier running in the background: each
// person hears about their own events only, as they chose, with a count in
// the nav and a list; an overdue claim is told once; and every notification
// also goes to the chat webhook, retried after the chat refused it.
func TestNotificationsReachTheRightPeople(t *testing.T) {
	chat := &chatServer{}
	hook := httptest.NewServer(chat)
	defer hook.Close()
	env := newTestEnv(t, func(c *Config) {
		c.Fetcher = &ingest.Fetcher{AllowAddr: allowLoopback, Timeout: 2 * time.Second}
	})
	ids := env.queuedClaims(2, "unemployment fell by 3%")
	rita, ritaUser := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	emma, _ := env.signedIn("emma@newsroom.example", domain.RoleEditor)
	ada, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	wantStatus(t, ada.postForm("/admin/settings/webhook", url.Values{"webhook_url": {hook.URL + "/hooks/desk"}}), http.StatusSeeOther)
	if bad := ada.postForm("/admin/settings/webhook", url.Values{"webhook_url": {"not an address"}}); bad.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a bad webhook address: status %d", bad.StatusCode)
	}
	// Eddie does not want approval requests; Ada wants nothing at all.
	wantStatus(t, eddie.postForm("/settings/notifications", url.Values{"event": {"returned", "assigned", "overdue"}}), http.StatusSeeOther)
	wantStatus(t, ada.postForm("/settings/notifications", url.Values{}), http.StatusSeeOther)

	// The other claim is Rita's and was due the day before yesterday, as the
	// notifier starts: its first look at the due dates finds it.
	if _, err := env.raw().Exec(`UPDATE claims SET assignee_id = ?, state = 'in_review', due_at = ? WHERE id = ?`,
		ritaUser.ID, time.Now().Add(-48*time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z"), ids[1]); err != nil {
		t.Fatal(err)
	}
	env.app.overdueEvery = 0 // look for overdue claims on every tick, not once a minute
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { env.app.RunNotifier(ctx, 20*time.Millisecond); close(done) }()
	defer func() { stop(); <-done }()

	claim := itoa(ids[0])
	wantStatus(t, eddie.postForm("/claims/"+claim+"/assign", url.Values{"assignee": {itoa(ritaUser.ID)}, "claim_version": {env.claimVersion(ids[0])}}), http.StatusSeeOther)
	wantStatus(t, rita.postForm("/claims/"+claim+"/verdict", url.Values{"version": {env.verdictVersion(ids[0])}, "rating": {env.ratingID("Mostly false")},
		"conclusion": {"It fell by 0.3 points."}, "explanation": {"The ONS says so."}}), http.StatusSeeOther)
	wantStatus(t, rita.postForm("/claims/"+claim+"/sources", withVersion(goodSource, env.verdictVersion(ids[0]))), http.StatusSeeOther)
	wantStatus(t, rita.postForm("/claims/"+claim+"/submit", url.Values{"version": {env.verdictVersion(ids[0])}}), http.StatusSeeOther)
	wantStatus(t, emma.postForm("/claims/"+claim+"/return", url.Values{"version": {env.verdictVersion(ids[0])}, "comment": {"Name the ONS release."}}), http.StatusSeeOther)

	waitUntil(t, "Rita's three notifications", func() bool {
		return env.count(`SELECT count(*) FROM notifications WHERE user_id = ?`, ritaUser.ID) == 3
	})
	home := rita.get("/")
	if got := home.TestID(t, "unread-count"); !strings.HasPrefix(got, "3") {
		t.Errorf("nav shows %q unread", got)
	}
	list := rita.get("/notifications")
	wantStatus(t, list, http.StatusOK)
	var bodies []string
	list.Doc(t).Find(`[data-testid="notification-body"]`).Each(func(_ int, s *goquery.Selection) { bodies = append(bodies, s.Text()) })
	joined := strings.Join(bodies, "\n")
	for _, want := range []string{"eddie assigned you claim " + claim, "emma sent back claim " + claim, "Overdue: claim " + itoa(ids[1])} {
		if !strings.Contains(joined, want) {
			t.Errorf("Rita's notifications lack %q:\n%s", want, joined)
		}
	}
	// Emma may approve and wants to hear; Eddie chose not to; Ada chose nothing.
	if n := env.count(`SELECT count(*) FROM notifications WHERE event = 'waiting' AND user_id = (SELECT id FROM users WHERE email = 'emma@newsroom.example')`); n != 1 {
		t.Errorf("Emma has %d approval requests, want 1", n)
	}
	if n := env.count(`SELECT count(*) FROM notifications WHERE user_id IN (SELECT id FROM users WHERE email IN ('eddie@newsroom.example', 'ada@newsroom.example'))`); n != 0 {
		t.Errorf("%d notifications reached people who turned them off", n)
	}

	// Marked read, the count goes.
	wantStatus(t, rita.postForm("/notifications/read", nil), http.StatusSeeOther)
	if rita.get("/").Doc(t).Find(`[data-testid="unread-count"]`).Length() != 0 {
		t.Error("the unread count stays after marking all read")
	}

	// The chat refused the first message; it is tried again (the wait is
	// shortened here) and every notification arrives once.
	waitUntil(t, "a refused delivery", func() bool {
		return env.count(`SELECT count(*) FROM webhook_outbox WHERE attempts = 1 AND delivered_at IS NULL`) == 1
	})
	env.raw().Exec(`UPDATE webhook_outbox SET next_at = '2000-01-01T00:00:00.000000Z' WHERE delivered_at IS NULL`)
	waitUntil(t, "every chat message", func() bool { return len(chat.got()) == 4 })
	msgs := strings.Join(chat.got(), "\n")
	if !strings.Contains(msgs, "For rita: emma sent back claim "+claim) || !strings.Contains(msgs, "For emma: rita submitted a verdict") {
		t.Errorf("chat messages:\n%s", msgs)
	}
	// The chat has the last message a moment before the worker records it.
	waitUntil(t, "every chat message recorded as delivered", func() bool {
		return env.count(`SELECT count(*) FROM webhook_outbox WHERE delivered_at IS NULL`) == 0
	})
}

// TestWebhookRefusesInternalAddresses: without a test's permission, the
// webhook cannot reach the newsroom's own network; the message is given up
// after its tries, never delivered.
func TestWebhookRefusesInternalAddresses(t *testing.T) {
	chat := &chatServer{refused: 1}
	hook := httptest.NewServer(chat)
	defer hook.Close()
	env := newTestEnv(t)
	ids := env.queuedClaims(1, "prices rose by 10%")
	rita, ritaUser := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	_ = rita
	ada, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	// The settings page refuses a loopback webhook outright; one stored
	// before that rule (or by a name that resolves to it) is still kept
	// from the network by the delivery's guard.
	wantStatus(t, ada.postForm("/admin/settings/webhook", url.Values{"webhook_url": {hook.URL}}), http.StatusUnprocessableEntity)
	if err := env.app.db.SetSettings(domain.WithActor(context.Background(), domain.SystemActor), map[string]string{domain.SettingNotifyWebhookURL: hook.URL}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, ada.postForm("/claims/"+itoa(ids[0])+"/assign", url.Values{"assignee": {itoa(ritaUser.ID)}, "claim_version": {env.claimVersion(ids[0])}}), http.StatusSeeOther)
	var last time.Time
	for range 6 {
		env.app.notifyOnce(context.Background(), &last)
		env.raw().Exec(`UPDATE webhook_outbox SET next_at = '2000-01-01T00:00:00.000000Z'`)
	}
	if len(chat.got()) != 0 {
		t.Fatal("a webhook on a loopback address was called")
	}
	if n := env.count(`SELECT count(*) FROM webhook_outbox WHERE gave_up_at IS NOT NULL AND last_error != ''`); n != 1 {
		t.Errorf("%d messages given up with a reason, want 1", n)
	}
}

func (e *testEnv) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.raw().QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *testEnv) claimVersion(id int64) string {
	e.t.Helper()
	return itoa(int64(e.count(`SELECT version FROM claims WHERE id = ?`, id)))
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for range 250 {
		if ok() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("waited 5s for %s", what)
}

// TestAuditLogFindsByPartsAndLinks: the admin's audit log finds events by
// any part of the action or of the actor's name or email, and links each
// claim, article or user to its page.
func TestAuditLogFindsByPartsAndLinks(t *testing.T) {
	env := newTestEnv(t)
	id := itoa(env.queuedClaims(1, "prices rose by 10%")[0])
	ada, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	wantStatus(t, eddie.postForm("/claims/"+id+"/priority", url.Values{"priority": {"urgent"}, "claim_version": {env.claimVersion(mustID(t, id))}}), http.StatusSeeOther)

	for _, tt := range []struct{ query, want, notWant string }{
		{"action=prioritis", "claim.prioritised", "user.created"},
		{"actor=ddie", "claim.prioritised", "ada@newsroom.example"},
		{"actor=newsroom.exam&action=claim", "claim.prioritised", "user.signed_in"},
	} {
		res := ada.get("/admin/audit?" + tt.query)
		wantStatus(t, res, http.StatusOK)
		rows := res.Doc(t).Find(`[data-testid="audit-row"]`)
		if rows.Length() == 0 || !strings.Contains(rows.Text(), tt.want) || strings.Contains(rows.Text(), tt.notWant) {
			t.Errorf("%s: %d rows, want %q and not %q:\n%s", tt.query, rows.Length(), tt.want, tt.notWant, rows.Text())
		}
	}
	href, _ := ada.get("/admin/audit?action=claim.prioritised").Doc(t).Find(`[data-testid="audit-entity-link"]`).Attr("href")
	if href != "/claims/"+id {
		t.Errorf("the claim in the log links to %q", href)
	}
}

// TestWebhookSettingRefusesInternalAddresses: an internal webhook address
// typed on the publishing settings page is refused with 422 and its own
// message beside the field; what was typed, the address and the
// publisher's details not yet saved, comes back as typed, and nothing is
// stored.
func TestWebhookSettingRefusesInternalAddresses(t *testing.T) {
	env := newTestEnv(t)
	ada, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	for _, hook := range []string{"http://127.0.0.1:9/hook", "http://localhost:8080/hook", "https://10.0.0.7/hooks/desk", "http://169.254.169.254/latest", "http://[::1]/hook"} {
		t.Run(hook, func(t *testing.T) {
			res := ada.postForm("/admin/settings/webhook", url.Values{"webhook_url": {hook}, "publisher_name": {"The Gazette, typed"}, "base_url": {"https://checks.gazette.example"}})
			wantStatus(t, res, http.StatusUnprocessableEntity)
			if got := res.TestID(t, "error-webhook_url"); !strings.Contains(got, "inside the newsroom's own network") {
				t.Errorf("message beside the webhook: %q", got)
			}
			doc := res.Doc(t)
			for id, want := range map[string]string{"webhook_url": hook, "publisher_name": "The Gazette, typed", "base_url": "https://checks.gazette.example"} {
				if got, _ := doc.Find("#" + id).Attr("value"); got != want {
					t.Errorf("%s shown as %q, want %q as typed", id, got, want)
				}
			}
			if n := env.count(`SELECT count(*) FROM settings WHERE key IN ('notify.webhook_url', 'publisher.name')`); n != 0 {
				t.Errorf("%d settings stored by a refused save", n)
			}
		})
	}
	// A public address is still saved.
	wantStatus(t, ada.postForm("/admin/settings/webhook", url.Values{"webhook_url": {"https://hooks.chat.example/services/T0/B0/secret"}}), http.StatusSeeOther)
}

// TestChatMessagesCarryNoChatMarkup: a claim's words come from articles
// written outside the newsroom, so words that a Slack-style chat reads as
// markup (a ping of the whole channel, a link whose text hides where it
// goes) reach the chat as plain text, escaped as such chats require.
func TestChatMessagesCarryNoChatMarkup(t *testing.T) {
	chat := &chatServer{refused: 1}
	hook := httptest.NewServer(chat)
	defer hook.Close()
	env := newTestEnv(t, func(c *Config) {
		c.Fetcher = &ingest.Fetcher{AllowAddr: allowLoopback, Timeout: 2 * time.Second}
	})
	ids := env.queuedClaims(1, "<!channel> fees rose by 3% <https://evil.example/login|see the ONS release> & more")
	_, ritaUser := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	ada, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	wantStatus(t, ada.postForm("/admin/settings/webhook", url.Values{"webhook_url": {hook.URL + "/hooks/desk"}}), http.StatusSeeOther)
	wantStatus(t, ada.postForm("/claims/"+itoa(ids[0])+"/assign", url.Values{"assignee": {itoa(ritaUser.ID)}, "claim_version": {env.claimVersion(ids[0])}}), http.StatusSeeOther)
	var last time.Time
	env.app.notifyOnce(context.Background(), &last)
	msgs := chat.got()
	if len(msgs) != 1 {
		t.Fatalf("%d chat messages, want 1", len(msgs))
	}
	want := "&lt;!channel&gt; fees rose by 3% &lt;https://evil.example/login|see the ONS release&gt; &amp; more"
	if !strings.Contains(msgs[0], want) {
		t.Errorf("chat message %q\nwant it to carry %q", msgs[0], want)
	}
	if strings.ContainsAny(strings.ReplaceAll(msgs[0], "&amp;", ""), "<>") || strings.Contains(strings.ReplaceAll(msgs[0], "&amp;", ""), "& ") {
		t.Errorf("chat message keeps markup: %q", msgs[0])
	}
}

// TestFailedChatDeliveryKeepsTheWebhookSecret: the path of an incoming
// webhook is its secret. When a delivery fails in a way the guard does not
// name (the chat hangs up), what is recorded in the outbox and the log says
// what went wrong without the address's path.
func TestFailedChatDeliveryKeepsTheWebhookSecret(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // hang up without an answer
		}
	}))
	defer hook.Close()
	var logged strings.Builder
	var logMu sync.Mutex
	env := newTestEnv(t, func(c *Config) {
		c.Fetcher = &ingest.Fetcher{AllowAddr: allowLoopback, Timeout: 2 * time.Second}
		c.Logger = slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logged}, nil))
	})
	ids := env.queuedClaims(1, "prices rose by 10%")
	_, ritaUser := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	ada, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	const secret = "T0SECRET/B0SECRET/xoxsecretpart"
	wantStatus(t, ada.postForm("/admin/settings/webhook", url.Values{"webhook_url": {hook.URL + "/services/" + secret}}), http.StatusSeeOther)
	wantStatus(t, ada.postForm("/claims/"+itoa(ids[0])+"/assign", url.Values{"assignee": {itoa(ritaUser.ID)}, "claim_version": {env.claimVersion(ids[0])}}), http.StatusSeeOther)
	var last time.Time
	env.app.notifyOnce(context.Background(), &last)
	var failure string
	if err := env.raw().QueryRow(`SELECT last_error FROM webhook_outbox`).Scan(&failure); err != nil {
		t.Fatal(err)
	}
	if failure == "" {
		t.Fatal("the failed delivery recorded no reason")
	}
	logMu.Lock()
	defer logMu.Unlock()
	for what, text := range map[string]string{"outbox": failure, "log": logged.String()} {
		if strings.Contains(text, "SECRET") || strings.Contains(text, "xoxsecretpart") {
			t.Errorf("the %s carries the webhook's secret path:\n%s", what, text)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestWebhookSealedWithAnotherKeyFileCanBeReplaced: a database restored or
// copied without its own key file holds a webhook address the server
// cannot open. The publishing settings page still opens and says so beside
// the address (not a 500), entering the address again replaces it, and
// the worker logs why no chat message is posted.
func TestWebhookSealedWithAnotherKeyFileCanBeReplaced(t *testing.T) {
	logs := &lockedBuffer{}
	env := newTestEnv(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
	ada, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	wantStatus(t, ada.postForm("/admin/settings/webhook", url.Values{"webhook_url": {"https://hooks.chat.example/services/T0/B0/first"}}), http.StatusSeeOther)
	env.db.SetTwoFactorKey((&keyfile.Keys{Audit: keyfile.NewAuditKey()}).TwoFactorKey()) // another key file

	page := ada.get("/admin/settings")
	wantStatus(t, page, http.StatusOK)
	if got := page.TestID(t, "error-webhook_url"); !strings.Contains(got, "does not open with this server's key file") {
		t.Errorf("message beside the webhook: %q", got)
	}
	if strings.Contains(page.Body, "hooks.chat.example") {
		t.Error("the page shows an address it could not have opened")
	}

	var last time.Time
	env.app.notifyOnce(context.Background(), &last)
	if !strings.Contains(logs.String(), "chat messages not posted") {
		t.Errorf("the worker did not log why nothing is posted:\n%s", logs.String())
	}

	const second = "https://hooks.chat.example/services/T0/B0/second"
	wantStatus(t, ada.postForm("/admin/settings/webhook", url.Values{"webhook_url": {second}}), http.StatusSeeOther)
	if got, err := env.db.Setting(context.Background(), storage.SettingNotifyWebhookURL, ""); err != nil || got != second {
		t.Fatalf("after replacing it reads %q, %v", got, err)
	}
	page = ada.get("/admin/settings")
	if got := page.TestID(t, "error-webhook_url"); got != "" {
		t.Errorf("still a message beside the webhook: %q", got)
	}
}

// TestBylineDecisionReachesItsOwner: whoever asked for a byline hears when
// another editor approves or refuses it, in their list (with a link to
// where they can ask again) as any other notification, unless they turned
// that off.
func TestBylineDecisionReachesItsOwner(t *testing.T) {
	env := newTestEnv(t)
	rita, ritaUser := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	remy, remyUser := env.signedIn("remy@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	// Remy does not want to hear about his byline.
	wantStatus(t, remy.postForm("/settings/notifications", url.Values{"event": {"returned", "assigned", "overdue"}}), http.StatusSeeOther)
	wantStatus(t, rita.postForm("/settings/public-name", url.Values{"public_name": {"Rita Reviewer"}}), http.StatusSeeOther)
	wantStatus(t, remy.postForm("/settings/public-name", url.Values{"public_name": {"Remy R."}}), http.StatusSeeOther)
	approveByline(t, eddie, ritaUser, "Rita Reviewer")
	wantStatus(t, eddie.postForm("/bylines/"+itoa(remyUser.ID)+"/refuse", url.Values{"seen": {"Remy R."}}), http.StatusSeeOther)
	wantStatus(t, rita.postForm("/settings/public-name", url.Values{"public_name": {"R. Reviewer"}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm("/bylines/"+itoa(ritaUser.ID)+"/refuse", url.Values{"seen": {"R. Reviewer"}}), http.StatusSeeOther)
	var last time.Time
	env.app.notifyOnce(context.Background(), &last)

	page := rita.get("/notifications")
	wantStatus(t, page, http.StatusOK)
	var bodies []string
	page.Doc(t).Find(`[data-testid="notification-body"]`).Each(func(_ int, s *goquery.Selection) {
		bodies = append(bodies, s.Text())
		if href := s.AttrOr("href", ""); !strings.HasPrefix(href, "/settings") {
			t.Errorf("%q links to %q, want Your account", s.Text(), href)
		}
	})
	if len(bodies) != 2 || !strings.Contains(bodies[0], "refused") || !strings.Contains(bodies[0], "R. Reviewer") ||
		!strings.Contains(bodies[1], "approved") || !strings.Contains(bodies[1], "Rita Reviewer") {
		t.Errorf("Rita's notifications: %q", bodies)
	}
	if got := remy.get("/notifications").Doc(t).Find(`[data-testid="notification"]`).Length(); got != 0 {
		t.Errorf("Remy turned byline news off, yet has %d notifications", got)
	}
}

// TestReviewerIsOfferedOnlyWhatReachesThem: verdicts wait for editors, so
// a reviewer's settings do not offer "a verdict is waiting for my
// approval"; an editor's do.
func TestReviewerIsOfferedOnlyWhatReachesThem(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	for _, c := range []struct {
		who  *client
		want bool
	}{{rita, false}, {eddie, true}} {
		doc := c.who.get("/settings").Doc(t)
		if got := doc.Find(`[data-testid="notify-waiting"]`).Length() == 1; got != c.want {
			t.Errorf("offered the approval choice: %v, want %v", got, c.want)
		}
		if doc.Find(`[data-testid="notify-byline"]`).Length() != 1 {
			t.Error("byline news is not offered")
		}
	}
}
