// Package migrations holds claimtrail's database schema as numbered,
// forward-only SQL files, applied in order by storage.Open.
package migrations

import "embed"

// FS holds the migration files, named NNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
