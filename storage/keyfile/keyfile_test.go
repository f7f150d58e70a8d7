package keyfile

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyFileRoundTripAndRefusals(t *testing.T) {
	k := &Keys{Session: [][]byte{NewSessionKey(), NewSessionKey()}, Audit: NewAuditKey(), AuditFrom: 7}
	path := filepath.Join(t.TempDir(), "c.db.keys")
	if err := Create(path, k); err != nil {
		t.Fatal(err)
	}
	if err := Create(path, k); err == nil {
		t.Error("Create overwrote an existing key file")
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Session) != 2 || !bytes.Equal(got.Session[1], k.Session[1]) || !bytes.Equal(got.Audit, k.Audit) || got.AuditFrom != 7 {
		t.Errorf("round trip: %+v", got)
	}
	for name, text := range map[string]string{
		"no session key":     "audit " + base64.StdEncoding.EncodeToString(NewAuditKey()) + " from 1\n",
		"short session key":  "session " + base64.StdEncoding.EncodeToString([]byte("short")) + "\n",
		"unknown line":       "session " + base64.StdEncoding.EncodeToString(NewSessionKey()) + "\npassword hunter2\n",
		"audit from nothing": "session " + base64.StdEncoding.EncodeToString(NewSessionKey()) + "\naudit " + base64.StdEncoding.EncodeToString(NewAuditKey()) + " from 0\n",
	} {
		if _, err := Parse([]byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	a, b := NewSessionKey(), NewSessionKey()
	keys, err := ParseSessionKeys(base64.StdEncoding.EncodeToString(a) + ", " + base64.StdEncoding.EncodeToString(b))
	if err != nil || len(keys) != 2 || !bytes.Equal(keys[0], a) {
		t.Errorf("ParseSessionKeys: %v %v", keys, err)
	}
	if _, err := ParseSessionKeys("not base64!"); err == nil {
		t.Error("ParseSessionKeys accepted garbage")
	}
	os.Chmod(path, 0o640)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("group-readable key file: %v", err)
	}
}
