package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"
)

// FileStore keeps tokens in a JSON file (mode 0600), rewritten atomically (temporary file,
// fsync, rename). A server re-reads it when it changes, so a token created or revoked with
// `cmograph token` takes effect at once, and replicas that share the file share the tokens.
type FileStore struct {
	path  string
	clock func() time.Time

	mu     sync.Mutex
	stamp  fileStamp
	byHash map[string]Token
	tokens []Token
}

type fileStamp struct {
	mod  time.Time
	size int64
	ino  uint64
	ok   bool
}

type tokenFile struct {
	Comment string  `json:"comment"`
	Tokens  []Token `json:"tokens"`
}

const fileComment = "cmograph API tokens: only SHA-256 hashes of the secrets; manage with `cmograph token`"

// NewFileStore returns the store for the tokens file at path; the file need not exist yet.
func NewFileStore(path string, clock func() time.Time) *FileStore {
	if clock == nil {
		clock = time.Now
	}
	return &FileStore{path: path, clock: clock}
}

// Path is the tokens file.
func (s *FileStore) Path() string { return s.path }

// refresh re-reads the file if it changed since the last read; the caller holds s.mu.
func (s *FileStore) refresh() error {
	st, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		s.stamp, s.byHash, s.tokens = fileStamp{}, map[string]Token{}, nil
		return nil
	}
	if err != nil {
		return fmt.Errorf("tokens file: %w", err)
	}
	stamp := fileStamp{mod: st.ModTime(), size: st.Size(), ok: true}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		stamp.ino = sys.Ino
	}
	if s.byHash != nil && stamp == s.stamp {
		return nil
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("tokens file %s can be read by other users (mode %04o): run chmod 600 %s", s.path, st.Mode().Perm(), s.path)
	}
	raw, err := os.ReadFile(s.path)
	if err != nil {
		return fmt.Errorf("tokens file: %w", err)
	}
	var f tokenFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return fmt.Errorf("tokens file %s: %w", s.path, err)
	}
	byHash := make(map[string]Token, len(f.Tokens))
	for _, t := range f.Tokens {
		byHash[t.Hash] = t
	}
	s.stamp, s.byHash, s.tokens = stamp, byHash, f.Tokens
	return nil
}

// update changes the tokens under an exclusive lock on the file's lock file, so that two
// `cmograph token` commands never lose each other's change.
func (s *FileStore) update(change func([]Token) ([]Token, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("tokens file: %w", err)
	}
	lock, err := os.OpenFile(s.path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("tokens file: %w", err)
	}
	defer lock.Close() // closing releases the flock
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("locking the tokens file: %w", err)
	}
	s.byHash = nil // read afresh under the lock
	if err := s.refresh(); err != nil {
		return err
	}
	next, err := change(slices.Clone(s.tokens))
	if err != nil {
		return err
	}
	if err := writeAtomic(s.path, tokenFile{Comment: fileComment, Tokens: next}); err != nil {
		return err
	}
	s.byHash = nil
	return s.refresh()
}

func writeAtomic(path string, f tokenFile) error {
	raw, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("tokens file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing left to remove
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("tokens file: %w", err)
	}
	if _, err := tmp.Write(append(raw, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the tokens file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the tokens file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the tokens file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the tokens file: %w", err)
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		_ = dir.Sync()
		dir.Close()
	}
	return nil
}

// Create implements TokenStore.
func (s *FileStore) Create(_ context.Context, name string, role Role, by string) (Token, string, error) {
	t, secret, err := NewToken(name, role, by, s.clock())
	if err != nil {
		return Token{}, "", err
	}
	err = s.update(func(ts []Token) ([]Token, error) { return append(ts, t), nil })
	if err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

// List implements TokenStore.
func (s *FileStore) List(context.Context) ([]Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return nil, err
	}
	return slices.Clone(s.tokens), nil
}

// Revoke implements TokenStore.
func (s *FileStore) Revoke(_ context.Context, id string) (Token, error) {
	var gone Token
	err := s.update(func(ts []Token) ([]Token, error) {
		i := slices.IndexFunc(ts, func(t Token) bool { return t.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
		}
		gone = ts[i]
		return slices.Delete(ts, i, i+1), nil
	})
	return gone, err
}

// Lookup implements TokenStore.
func (s *FileStore) Lookup(_ context.Context, secret string) (Token, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return Token{}, false, err
	}
	t, ok := s.byHash[HashSecret(secret)]
	return t, ok, nil
}

// Configured reports whether any token exists, which is what puts a server in token mode.
func (s *FileStore) Configured(ctx context.Context) (bool, error) {
	ts, err := s.List(ctx)
	return len(ts) > 0, err
}
