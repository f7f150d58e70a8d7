package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
)

// RunNotifier is the background worker behind notifications: every tick it
// turns newly audited events and overdue claims into notifications, then
// delivers waiting chat messages to the admin's webhook (Slack-compatible
// {"text": ...}) through the same address guard as article fetching, with
// retries. Requests never wait for it. It returns when ctx ends.
func (app *App) RunNotifier(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var lastOverdue time.Time
	for {
		app.notifyOnce(ctx, &lastOverdue)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// notifyBatch is how many audit events the notifier goes through in one
// write: each write waits for the writer like any change, and changes
// waiting behind it wait for it, so the backlog a busy desk leaves every
// tick (thousands of events) is worked through in short turns.
const notifyBatch = 100

func (app *App) notifyOnce(ctx context.Context, lastOverdue *time.Time) {
	for {
		n, err := app.db.NotifyFromAudit(ctx, notifyBatch)
		if err != nil {
			if ctx.Err() == nil {
				app.log.Error("notifications from the audit log", slog.Any("error", err))
			}
			return
		}
		if n < notifyBatch {
			break
		}
	}
	if now := time.Now(); now.Sub(*lastOverdue) >= app.overdueEvery {
		if _, err := app.db.NotifyOverdue(ctx, now); err != nil && ctx.Err() == nil {
			app.log.Error("overdue notifications", slog.Any("error", err))
		}
		*lastOverdue = now
	}
	msgs, hook, err := app.db.DueWebhookMessages(ctx, time.Now(), 50)
	if err != nil {
		if ctx.Err() == nil {
			app.log.Error("chat messages not posted", slog.Any("error", err))
		}
		return
	}
	if hook == "" {
		return
	}
	for _, m := range msgs {
		body, _ := json.Marshal(map[string]string{"text": domain.ChatText(m.Text)})
		failure := ""
		if err := app.cfg.Fetcher.PostJSON(ctx, hook, body); err != nil {
			if ctx.Err() != nil {
				return
			}
			failure = domain.ErrorMessage(err)
			if domain.ErrorCode(err) == domain.EINTERNAL {
				failure = err.Error()
			}
			app.log.Warn("chat webhook delivery failed", slog.Int64("message", m.ID), slog.Int("attempt", m.Attempts+1), slog.String("error", failure))
		}
		if err := app.db.WebhookTried(ctx, m.ID, failure, time.Now()); err != nil {
			app.log.Error("record webhook attempt", slog.Any("error", err))
			return
		}
	}
}

// unreadCount is the number the nav shows beside Notifications.
func (app *App) unreadCount(r *http.Request) int {
	u := currentUser(r)
	if u == nil {
		return 0
	}
	n, err := app.db.UnreadNotifications(r.Context(), u.ID)
	if err != nil {
		return 0 // the page itself matters more than its counter
	}
	return n
}

func (app *App) notificationsPage(w http.ResponseWriter, r *http.Request) {
	list, err := app.db.Notifications(r.Context(), currentUser(r).ID, 100)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, components.NotificationsPage(app.meta(w, r, "Notifications"), list))
}

func (app *App) markNotificationsRead(w http.ResponseWriter, r *http.Request) {
	if err := noInput(w, r); err != nil {
		app.error(w, r, err)
		return
	}
	if err := app.db.MarkNotificationsRead(r.Context(), currentUser(r).ID); err != nil {
		app.error(w, r, err)
		return
	}
	app.flash(w, r, "success", "All notifications marked read.")
	redirect(w, r, "/notifications")
}

// setNotificationPrefs saves which events reach the user.
func (app *App) setNotificationPrefs(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Events []string `form:"event"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	on := map[domain.NotificationEvent]bool{}
	for _, e := range form.Events {
		if ev := domain.NotificationEvent(e); ev.Valid() {
			on[ev] = true
		} else {
			app.settingsFailed(w, r, domain.Errorf(domain.EINVALID, "Choose events from the list."))
			return
		}
	}
	if err := app.db.SetNotificationPrefs(r.Context(), currentUser(r).ID, on); err != nil {
		app.settingsFailed(w, r, err)
		return
	}
	app.carrySettings(r, nil, "event", "events_shown")
	app.flash(w, r, "success", "Notification choices saved.")
	redirect(w, r, "/settings#notifications")
}
