package domain

import (
	"encoding/json"
	"time"
)

// AuditEvent is one recorded change. Events are append-only and hash-chained:
// Hash covers the event's content and PrevHash, so an edited, deleted or
// reordered event breaks the chain.
type AuditEvent struct {
	ID         int64
	At         time.Time
	ActorID    int64
	ActorLabel string
	TokenName  string
	Action     string // e.g. "user.created", "claim.accepted"
	Entity     string // e.g. "user", "claim"
	EntityID   int64
	Before     json.RawMessage // null when the entity was created
	After      json.RawMessage // null when the entity was deleted
	RequestID  string
	ClientAddr string
	PrevHash   string
	Hash       string
}

// AuditFilter selects audit events for the admin log.
type AuditFilter struct {
	Actor    string // any part of the actor's label, or of their name or email
	Action   string // any part of the action, such as "export" or "claim."
	Entity   string
	EntityID int64
	Since    time.Time
	Until    time.Time
	BeforeID int64 // keyset pagination: events with an ID below this
	Limit    int
}
