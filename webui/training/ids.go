package training

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
)

// NewID is a random 128-bit identifier in hex, for users and attempts.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return fmt.Sprintf("%x", b[:])
}

// newSeed is a random seed for a new attempt. Randomness is chosen here, in
// the application: the engine never picks it.
func newSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}
