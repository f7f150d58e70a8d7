package main

import (
	"context"
	"io"

	"claimtrail/storage"
)

// seedDemoContent adds the demo article once articles can be stored.
func seedDemoContent(ctx context.Context, db *storage.DB, out io.Writer) error { return nil }
