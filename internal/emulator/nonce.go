package emulator

import "time"

// maxNonces bounds the nonce memory. Past it the oldest nonces are
// forgotten first: under a flood a very old request could be replayed,
// which is acceptable for an emulator and better than growing forever.
const maxNonces = 1 << 16

// nonceCache remembers signature nonces until the request they came with
// can no longer pass the timestamp check; after that the timestamp check
// alone refuses a replay. It is not safe for concurrent use: Server guards it.
type nonceCache struct {
	expires map[string]time.Time
	order   []nonceEntry // insertion order, oldest first
}

type nonceEntry struct {
	key     string
	expires time.Time
}

// use reports whether key was already used and is still remembered at now;
// if not, it remembers key until expires, inclusive.
func (c *nonceCache) use(key string, now, expires time.Time) (replayed bool) {
	if c.expires == nil {
		c.expires = make(map[string]time.Time)
	}
	c.prune(now)
	if exp, ok := c.expires[key]; ok && !now.After(exp) {
		return true
	}
	c.expires[key] = expires
	c.order = append(c.order, nonceEntry{key, expires})
	for len(c.order) > maxNonces {
		c.drop(c.order[0])
		c.order = c.order[1:]
	}
	return false
}

// prune forgets the oldest entries while they have expired. Expiry follows
// the request's own timestamp, so an entry may outlive a younger one; it is
// then dropped later or by the size bound.
func (c *nonceCache) prune(now time.Time) {
	n := 0
	for n < len(c.order) && now.After(c.order[n].expires) {
		c.drop(c.order[n])
		n++
	}
	c.order = c.order[n:]
}

// drop forgets e unless its key was remembered again since.
func (c *nonceCache) drop(e nonceEntry) {
	if exp, ok := c.expires[e.key]; ok && exp.Equal(e.expires) {
		delete(c.expires, e.key)
	}
}
