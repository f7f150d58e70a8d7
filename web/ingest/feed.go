package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"claimtrail/domain"
)

// Feed fetch defaults: a ClaimReview feed is data, not a page, so it may be
// larger than an article but must answer as quickly.
const (
	DefaultFeedMaxBytes = 10 << 20
	DefaultFeedTimeout  = 30 * time.Second
)

// FetchFeed downloads a ClaimReview feed through the same guarded client as
// Fetch: internal addresses are refused before a packet is sent, including
// after redirects and whatever DNS answers; the whole fetch has a time limit
// (the Fetcher's Timeout, else DefaultFeedTimeout) and the body a size limit
// (maxBytes, else DefaultFeedMaxBytes). Reading the JSON is the caller's.
func (f *Fetcher) FetchFeed(ctx context.Context, rawURL string, maxBytes int64) ([]byte, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return nil, err
	}
	if maxBytes <= 0 {
		maxBytes = DefaultFeedMaxBytes
	}
	d, err := f.download(ctx, u, "application/ld+json, application/json;q=0.9, */*;q=0.1", DefaultFeedTimeout, maxBytes, "feed's site",
		func(contentType string) error {
			switch mt := mediaTypeOf(contentType); {
			case mt == "", mt == "text/plain", strings.HasSuffix(mt, "json"), mt == "application/octet-stream":
				return nil
			default:
				return fieldErr(domain.EINVALID, fieldURL, "The address returned %s, not a ClaimReview feed (JSON).", describeMediaType(mt))
			}
		},
		func() error { return feedTooLarge(maxBytes) })
	return d.body, err
}

func feedTooLarge(limit int64) *domain.Error {
	size := fmt.Sprintf("%d KB", limit>>10)
	if limit >= 1<<20 {
		size = fmt.Sprintf("%d MB", limit>>20)
	}
	return fieldErr(domain.ETOOLARGE, fieldURL, "The feed is larger than the %s read at a time; ask its publisher for a smaller or paged feed.", size)
}
