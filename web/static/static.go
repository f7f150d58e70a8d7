// Package static holds the browser assets served under /static/: our own
// stylesheet and script, plus the third-party files that `make assets`
// copies into vendor/ (htmx, a CSS reset). Pages work when vendor/ is empty.
package static

import "embed"

// FS holds app.css, app.js and everything under vendor/. The all: prefix keeps
// vendor/.gitkeep, so the pattern matches even before `make assets` has run.
//
//go:embed all:vendor app.css app.js favicon.svg
var FS embed.FS
