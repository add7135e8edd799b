package emulator

// The random identifiers the emulator hands out: request IDs, and the keys,
// secrets and tokens of temporary credentials.

import (
	"crypto/rand"
	"fmt"
)

// newRequestID returns a random UUID (version 4) in upper case, the shape of
// Alibaba Cloud request IDs.
func newRequestID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%X-%X-%X-%X-%X", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// randomText returns n random letters and digits, the alphabet of access
// keys and secrets.
func randomText(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := randomBytes(n)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails: crypto/rand.Read aborts the program instead
	return b
}
