package training

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are argon2id's costs. Hashes record the parameters they
// were made with, so raising them later leaves older hashes valid.
type PasswordParams struct {
	MemoryKiB uint32 // memory per hash, in KiB
	Time      uint32 // passes over the memory
	Threads   uint8  // lanes
}

// DefaultPasswordParams are OWASP's recommended minimum for argon2id
// (Password Storage Cheat Sheet: 19 MiB, 2 passes, 1 lane).
var DefaultPasswordParams = PasswordParams{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// Password policy, after NIST SP 800-63B: a minimum length and nothing
// else; any character, spaces included, counts. The maximum bounds the
// work a login does.
const (
	MinPasswordLength = 12  // characters
	MaxPasswordBytes  = 256 // bytes of UTF-8
)

// Bounds on the parameters a stored hash may ask for, so a damaged or
// hostile row cannot make a login allocate gigabytes.
const (
	maxHashMemoryKiB = 1 << 20 // 1 GiB
	maxHashTime      = 16
	saltBytes        = 16
	keyBytes         = 32
)

// CheckPassword says why a new password is not acceptable, or nil.
func CheckPassword(pw string) error {
	switch {
	case !utf8.ValidString(pw):
		return Errorf(CodeBadRequest, "the password is not valid text (UTF-8)")
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return Errorf(CodeBadRequest, "the password is shorter than %d characters: a few words with spaces between make a long one that is easy to remember", MinPasswordLength)
	case len(pw) > MaxPasswordBytes:
		return Errorf(CodeBadRequest, "the password is longer than %d bytes: shorten it", MaxPasswordBytes)
	}
	return nil
}

// hasher hashes and verifies passwords with argon2id, at most slots at a
// time, so that a burst of logins takes bounded memory (each hash holds
// MemoryKiB until it is done).
type hasher struct {
	params PasswordParams
	slots  chan struct{}
}

func newHasher(p PasswordParams, slots int) *hasher {
	return &hasher{params: p, slots: make(chan struct{}, max(slots, 1))}
}

// acquire waits for a free slot, or for ctx.
func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait to check a password: %w", ctx.Err())
	}
}

func (h *hasher) release() { <-h.slots }

// Hash returns pw's argon2id hash in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$key), with a fresh random salt.
func (h *hasher) Hash(ctx context.Context, pw string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	salt := make([]byte, saltBytes)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash a password: read random salt: %w", err)
	}
	p := h.params
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, keyBytes)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errBadHash means a stored hash cannot be read.
var errBadHash = errors.New("the stored password hash is not an argon2id hash this server can read")

// Verify reports whether pw matches the PHC-format hash. A hash it cannot
// read is an error, never a match.
func (h *hasher) Verify(ctx context.Context, pw, hash string) (bool, error) {
	p, salt, want, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// parseHash reads a PHC argon2id string, refusing parameters out of bounds.
func parseHash(hash string) (PasswordParams, []byte, []byte, error) {
	var p PasswordParams
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("%w: version %q", errBadHash, parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("%w: parameters %q", errBadHash, parts[3])
	}
	if p.MemoryKiB == 0 || p.MemoryKiB > maxHashMemoryKiB || p.Time == 0 || p.Time > maxHashTime || p.Threads == 0 {
		return p, nil, nil, fmt.Errorf("%w: parameters %q are out of bounds", errBadHash, parts[3])
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, fmt.Errorf("%w: salt or key", errBadHash)
	}
	return p, salt, key, nil
}
