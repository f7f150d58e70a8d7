package domain

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestChangeNotificationPrefs(t *testing.T) {
	allOn := map[NotificationEvent]bool{NotifyReturned: true, NotifyWaiting: true, NotifyAssigned: true, NotifyOverdue: true, NotifyByline: true}
	t.Run("unticked events are turned off, with one event", func(t *testing.T) {
		ch := ChangeNotificationPrefs(7, RoleEditor, allOn, map[NotificationEvent]bool{NotifyReturned: true})
		if ch.Set[NotifyWaiting] || ch.Set[NotifyAssigned] || ch.Set[NotifyOverdue] || !ch.Set[NotifyReturned] {
			t.Errorf("set %v", ch.Set)
		}
		if ch.Event.Action != "user.notifications_set" || ch.Event.Entity != "user" || ch.Event.EntityID != 7 {
			t.Errorf("event %+v", ch.Event)
		}
	})
	t.Run("the same choice records nothing", func(t *testing.T) {
		if ch := ChangeNotificationPrefs(7, RoleEditor, allOn, allOn); ch.Event.Action != "" {
			t.Errorf("event %+v for no change", ch.Event)
		}
	})
	t.Run("a reviewer's choice leaves the editors' event as it was", func(t *testing.T) {
		ch := ChangeNotificationPrefs(7, RoleReviewer, allOn, map[NotificationEvent]bool{NotifyReturned: true})
		if !ch.Set[NotifyWaiting] || ch.Set[NotifyAssigned] || ch.Set[NotifyByline] {
			t.Errorf("set %v", ch.Set)
		}
	})
	t.Run("an unknown event is not stored", func(t *testing.T) {
		ch := ChangeNotificationPrefs(7, RoleEditor, allOn, map[NotificationEvent]bool{"everything": true, NotifyReturned: true, NotifyWaiting: true, NotifyAssigned: true, NotifyOverdue: true, NotifyByline: true})
		if _, ok := ch.Set["everything"]; ok || ch.Event.Action != "" {
			t.Errorf("set %v, event %+v", ch.Set, ch.Event)
		}
	})
}

// A reviewer's settings offer only what a reviewer can receive: verdicts
// wait for editors, never for them.
func TestNotificationEventsFor(t *testing.T) {
	for _, role := range Roles {
		got := NotificationEventsFor(role)
		offersWaiting := false
		for _, e := range got {
			offersWaiting = offersWaiting || e == NotifyWaiting
		}
		if offersWaiting != (role != RoleReviewer) {
			t.Errorf("%s: offered %v", role, got)
		}
		if len(got) < 4 {
			t.Errorf("%s: only %v offered", role, got)
		}
	}
}

// The chat webhook's address is a secret (whoever has it may post to the
// newsroom's chat): its change is recorded, its path and any user name or
// password never.
func TestChangeSettingsRecordsWebhookWithoutItsSecret(t *testing.T) {
	old := "https://hooks.chat.example/services/T01/B01/oldsecret"
	next := "https://bot:pw@hooks.chat.example/services/T02/B02/newsecret?x=1"
	ch := ChangeSettings(map[string]string{SettingNotifyWebhookURL: old}, map[string]string{SettingNotifyWebhookURL: next})
	if ch.Set[SettingNotifyWebhookURL] != next {
		t.Fatalf("stored %q, want the whole address", ch.Set[SettingNotifyWebhookURL])
	}
	payload, err := json.Marshal([]any{ch.Event.Before, ch.Event.After})
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"oldsecret", "newsecret", "T02", "bot", "pw@"} {
		if strings.Contains(string(payload), secret) {
			t.Errorf("the audit event holds %q: %s", secret, payload)
		}
	}
	if !strings.Contains(string(payload), "https://hooks.chat.example/") {
		t.Errorf("the audit event does not say which host: %s", payload)
	}
	removed := ChangeSettings(map[string]string{SettingNotifyWebhookURL: old}, map[string]string{SettingNotifyWebhookURL: ""})
	if after := removed.Event.After.(map[string]string)[SettingNotifyWebhookURL]; after != "" {
		t.Errorf("removing the webhook recorded as %q", after)
	}
	if other := ChangeSettings(nil, map[string]string{"publisher.name": "Ledger"}); other.Event.After.(map[string]string)["publisher.name"] != "Ledger" {
		t.Errorf("other settings recorded as %v", other.Event.After)
	}
}

// TestWebhookAddressRefusesInternalHosts: the chat webhook may not name
// localhost or a literal internal address; a public name or address is
// fine, and only an explicit allowance lets an internal one through.
func TestWebhookAddressRefusesInternalHosts(t *testing.T) {
	loopback := func(a netip.Addr) bool { return a.IsLoopback() }
	cases := []struct {
		address string
		allow   func(netip.Addr) bool
		refused bool
	}{
		{"", nil, false},
		{"https://hooks.chat.example/services/T0/B0/secret", nil, false},
		{"https://203.0.113.7/hook", nil, false},
		{"https://[2001:db8::1]/hook", nil, false},
		{"http://127.0.0.1:9/hook", nil, true},
		{"http://127.8.9.10/hook", nil, true},
		{"http://[::1]:8080/hook", nil, true},
		{"http://[::ffff:127.0.0.1]/hook", nil, true},
		{"http://localhost/hook", nil, true},
		{"http://LOCALHOST./hook", nil, true},
		{"http://chat.localhost/hook", nil, true},
		{"http://10.1.2.3/hook", nil, true},
		{"http://172.16.0.9/hook", nil, true},
		{"https://192.168.1.20/hook", nil, true},
		{"http://169.254.169.254/latest", nil, true},
		{"http://[fe80::1]/hook", nil, true},
		{"http://[fd00::5]/hook", nil, true},
		{"http://0.0.0.0/hook", nil, true},
		{"http://[::]/hook", nil, true},
		{"http://user:pw@127.0.0.1/hook", nil, true},
		// The older IPv4 shorthands resolvers still accept name the same hosts.
		{"http://2130706433/hook", nil, true},
		{"http://0x7f000001/hook", nil, true},
		{"http://127.1/hook", nil, true},
		{"http://0177.0.0.1/hook", nil, true},
		{"http://10.1/hook", nil, true},
		{"http://3232235777/hook", nil, true},  // 192.168.1.1
		{"http://3405803783/hook", nil, false}, // 203.0.113.7
		{"https://1234.example/hook", nil, false},
		// The allowance the delivery's guard is given lets exactly what it accepts through.
		{"http://127.0.0.1:9/hook", loopback, false},
		{"http://localhost:9/hook", loopback, false},
		{"http://10.1.2.3/hook", loopback, true},
	}
	for _, tc := range cases {
		err := CheckWebhookAddress(tc.address, tc.allow)
		if !tc.refused {
			if err != nil {
				t.Errorf("%q refused: %v", tc.address, err)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Code != EINVALID || e.Fields["webhook_url"] != WebhookInternalMessage {
			t.Errorf("%q: got %#v, want the internal-address message on webhook_url", tc.address, err)
		}
	}
}

// TestLiteralHostAddr reads every spelling of an IPv4 address a resolver
// accepts, and leaves names alone.
func TestLiteralHostAddr(t *testing.T) {
	cases := []struct {
		host string
		want string // "" for not an address
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"::ffff:10.0.0.1", "10.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7F000001", "127.0.0.1"},
		{"017700000001", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"10.1.258", "10.1.1.2"},
		{"0177.0.0.01", "127.0.0.1"},
		{"192.168.1.1.", "192.168.1.1"},
		{"4294967295", "255.255.255.255"},
		{"4294967296", ""},
		{"256.1", ""},
		{"1.2.3.4.5", ""},
		{"1..2", ""},
		{"08.1.1.1", ""}, // not octal
		{"0x", ""},
		{"example.com", ""},
		{"1234.example", ""},
		{"", ""},
	}
	for _, tc := range cases {
		addr, ok := LiteralHostAddr(tc.host)
		got := ""
		if ok {
			got = addr.String()
		}
		if got != tc.want {
			t.Errorf("LiteralHostAddr(%q) = %q, want %q", tc.host, got, tc.want)
		}
	}
}

func TestChatTextEscapesChatMarkup(t *testing.T) {
	for in, want := range map[string]string{
		"plain words":                     "plain words",
		"<!channel> look":                 "&lt;!channel&gt; look",
		"<https://evil.example|ONS data>": "&lt;https://evil.example|ONS data&gt;",
		"R&D rose; &lt; stays as typed":   "R&amp;D rose; &amp;lt; stays as typed",
	} {
		if got := ChatText(in); got != want {
			t.Errorf("ChatText(%q) = %q, want %q", in, got, want)
		}
	}
}

// The notifier's look by due date (OverdueDueBy) and the pages' overdue mark
// (Claim.Overdue) are the same rule: a claim is told overdue exactly when
// its page shows it so.
func TestOverdueDueByIsTheClaimsOverdueRule(t *testing.T) {
	now := time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)
	for _, due := range []time.Time{
		time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 28, 1, 30, 0, 0, time.UTC),
		time.Date(2026, 3, 28, 1, 30, 0, 1, time.UTC),
		time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC),
	} {
		c := Claim{State: StateInReview, DueAt: due}
		if told, shown := !due.After(OverdueDueBy(now)), c.Overdue(now); told != shown {
			t.Errorf("due %s at %s: told overdue %v, shown overdue %v", due, now, told, shown)
		}
	}
}
