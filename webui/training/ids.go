package training

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"
)

// NewID is a random 128-bit identifier in hex, for accounts, cohorts and
// comments (attempts have newAttemptID).
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return fmt.Sprintf("%x", b[:])
}

// newAttemptID is an attempt's id: 128 bits in hex, as NewID's, of which
// the first 48 are the start's Unix milliseconds and the other 80 random.
// Attempts started about the same time get ids close together, so the
// index entries of the attempts in play (the attempt's own, its turns')
// sit in a few pages together instead of all over indexes that grow with
// every turn ever played, and those pages stay in the database's cache.
// An id is not a secret: every request checks whose attempt it is.
func newAttemptID(start time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(start.UnixMilli())<<16)
	_, _ = rand.Read(b[6:])
	return fmt.Sprintf("%x", b[:])
}

// newSeed is a random seed for a new attempt. Randomness is chosen here, in
// the application: the engine never picks it.
func newSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}
