package domain

import "testing"

func TestChangeSettings(t *testing.T) {
	ch := ChangeSettings(map[string]string{"publisher.name": "Ledger", "site.base_url": "https://a.example"},
		map[string]string{"publisher.name": "Ledger", "site.base_url": "https://b.example", "publisher.url": "https://ledger.example"})
	if len(ch.Set) != 2 || ch.Set["site.base_url"] != "https://b.example" || ch.Set["publisher.url"] != "https://ledger.example" {
		t.Errorf("set %v", ch.Set)
	}
	if b := ch.Event.Before.(map[string]string); len(b) != 1 || b["site.base_url"] != "https://a.example" {
		t.Errorf("before %v", ch.Event.Before)
	}
	if same := ChangeSettings(map[string]string{"k": "v"}, map[string]string{"k": "v"}); same.Event.Action != "" || same.Set != nil {
		t.Errorf("nothing changed, yet %+v", same)
	}
}
