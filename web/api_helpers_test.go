package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/web/auth"
)

// apiClient calls the JSON API with a bearer token, as a script would: no
// cookies, no Origin header.
type apiClient struct {
	t     *testing.T
	env   *testEnv
	token string
}

// apiUser creates a user with a token named after them and returns a client for it.
func (e *testEnv) apiUser(email string, role domain.Role) (*apiClient, *domain.User) {
	e.t.Helper()
	u := e.createUser(email, role)
	return e.apiClientFor(u, strings.Split(email, "@")[0]+" script"), u
}

// apiClientFor makes a new token for u through storage.
func (e *testEnv) apiClientFor(u *domain.User, name string) *apiClient {
	e.t.Helper()
	token, hash := auth.NewToken()
	if _, err := e.db.CreateAPIToken(context.Background(), u.ID, name, hash); err != nil {
		e.t.Fatal(err)
	}
	return &apiClient{t: e.t, env: e, token: token}
}

// call sends body (marshalled to JSON unless it is a string or nil).
func (c *apiClient) call(method, path string, body any) *response {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, c.env.srv.URL+path, r)
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return send(c.t, http.DefaultClient, req)
}

func (c *apiClient) get(path string) *response {
	c.t.Helper()
	return c.call(http.MethodGet, path, nil)
}
func (c *apiClient) post(path string, body any) *response {
	c.t.Helper()
	return c.call(http.MethodPost, path, body)
}
func (c *apiClient) put(path string, body any) *response {
	c.t.Helper()
	return c.call(http.MethodPut, path, body)
}

// decode unmarshals a JSON response into v, failing on anything else.
func decode[T any](t *testing.T, r *response) T {
	t.Helper()
	var v T
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q, want JSON\n%s", r.Request.Method, r.Request.URL.Path, ct, snippet(r.Body))
	}
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		t.Fatalf("%s %s: %v\n%s", r.Request.Method, r.Request.URL.Path, err, snippet(r.Body))
	}
	return v
}

// apiErr is the error shape every API error must have.
type apiErr struct {
	Error struct {
		Code    *string            `json:"code"`
		Message *string            `json:"message"`
		Fields  *map[string]string `json:"fields"`
	} `json:"error"`
}

// wantAPIError checks status, that the body is exactly the JSON error shape
// (no other keys), and the code; it returns the fields.
func wantAPIError(t *testing.T, r *response, status int, code string) map[string]string {
	t.Helper()
	wantStatus(t, r, status)
	var raw map[string]json.RawMessage
	var inner map[string]json.RawMessage
	extra := len(raw)
	if err := json.Unmarshal([]byte(r.Body), &raw); err == nil {
		// A duplicate article also names the stored one; nothing else may be added.
		extra = len(raw) - 1
		if _, ok := raw["article_id"]; ok && status == http.StatusConflict {
			extra--
		}
		json.Unmarshal(raw["error"], &inner)
	}
	if extra != 0 || len(inner) != 3 {
		t.Fatalf("%s %s: body is not the error shape: %s", r.Request.Method, r.Request.URL.Path, snippet(r.Body))
	}
	e := decode[apiErr](t, r)
	if e.Error.Code == nil || e.Error.Message == nil || e.Error.Fields == nil || *e.Error.Message == "" {
		t.Fatalf("incomplete error: %s", r.Body)
	}
	if *e.Error.Code != code {
		t.Errorf("%s %s: code %q, want %q (%s)", r.Request.Method, r.Request.URL.Path, *e.Error.Code, code, *e.Error.Message)
	}
	for _, leak := range []string{"sqlite", "SQL", "goroutine", "panic", ".go:"} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("error body leaks %q: %s", leak, r.Body)
		}
	}
	return *e.Error.Fields
}
