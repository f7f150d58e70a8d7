package domain

import (
	"maps"
	"slices"
)

// SettingsChange is a decided change to the newsroom's settings: the values
// to write, and one event naming each of them before and after.
type SettingsChange struct {
	Set   map[string]string
	Event Event
}

// ChangeSettings decides which of values differ from current (the stored
// values of the same keys; a key absent from current is not set yet). Values
// already stored change nothing; a change that changes nothing has no event.
func ChangeSettings(current, values map[string]string) SettingsChange {
	before, after := map[string]string{}, map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		old, stored := current[key]
		if stored && old == values[key] {
			continue
		}
		if stored {
			before[key] = old
		}
		after[key] = values[key]
	}
	if len(after) == 0 {
		return SettingsChange{}
	}
	ch := SettingsChange{Set: after, Event: Event{Action: "setting.changed", Entity: "setting", After: after}}
	if len(before) > 0 {
		ch.Event.Before = before
	}
	return ch
}
