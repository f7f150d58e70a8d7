package ingest

import (
	"context"
	"fmt"
	"io"
	"net/http"
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
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultFeedTimeout
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(tctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "application/ld+json, application/json;q=0.9, */*;q=0.1")
	resp, err := f.httpClient().Do(req)
	if err != nil {
		return nil, f.fetchError(ctx, tctx, timeout, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fieldErr(domain.EINVALID, fieldURL, "The feed's site answered %s.",
			strings.TrimSpace(fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))))
	}
	mt := mediaTypeOf(resp.Header.Get("Content-Type"))
	switch {
	case mt == "", mt == "text/plain", strings.HasSuffix(mt, "json"), strings.HasSuffix(mt, "+json"), mt == "application/octet-stream":
	default:
		return nil, fieldErr(domain.EINVALID, fieldURL, "The address returned %s, not a ClaimReview feed (JSON).", describeMediaType(mt))
	}
	if resp.ContentLength > maxBytes {
		return nil, feedTooLarge(maxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, f.fetchError(ctx, tctx, timeout, err)
	}
	if int64(len(body)) > maxBytes {
		return nil, feedTooLarge(maxBytes)
	}
	return body, nil
}

func feedTooLarge(limit int64) *domain.Error {
	size := fmt.Sprintf("%d KB", limit>>10)
	if limit >= 1<<20 {
		size = fmt.Sprintf("%d MB", limit>>20)
	}
	return fieldErr(domain.ETOOLARGE, fieldURL, "The feed is larger than the %s read at a time; ask its publisher for a smaller or paged feed.", size)
}
