package emulator

import (
	"strconv"
	"testing"
	"time"
)

func TestNonceCache(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var c nonceCache
	if c.use("a", t0, t0.Add(maxSkew)) {
		t.Fatal("first use reported as replay")
	}
	if !c.use("a", t0.Add(maxSkew), t0.Add(2*maxSkew)) {
		t.Error("replay at the end of the window accepted")
	}
	if c.use("b", t0, t0.Add(maxSkew)) {
		t.Error("another nonce reported as replay")
	}
	// Once the request's timestamp has expired the nonce is forgotten.
	if c.use("a", t0.Add(maxSkew+time.Nanosecond), t0.Add(2*maxSkew)) {
		t.Error("nonce still remembered after it expired")
	}
	if len(c.expires) != 1 || len(c.order) != 1 {
		t.Errorf("expired entries kept: %d in map, %d in order", len(c.expires), len(c.order))
	}
	// The re-used nonce is remembered anew.
	if !c.use("a", t0.Add(maxSkew+time.Second), t0.Add(3*maxSkew)) {
		t.Error("re-used nonce not remembered")
	}
}

func TestNonceCacheIsBounded(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var c nonceCache
	for i := range maxNonces + 10 {
		c.use(strconv.Itoa(i), t0, t0.Add(maxSkew))
	}
	if len(c.expires) != maxNonces || len(c.order) != maxNonces {
		t.Errorf("cache holds %d/%d entries, want %d", len(c.expires), len(c.order), maxNonces)
	}
	if c.use("0", t0, t0.Add(maxSkew)) {
		t.Error("oldest nonce was not the one evicted")
	}
	if !c.use(strconv.Itoa(maxNonces+9), t0, t0.Add(maxSkew)) {
		t.Error("newest nonce was evicted")
	}
}
