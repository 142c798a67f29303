package kb

import (
	"errors"
	"fmt"
)

// The sentinels every store error wraps, so callers decide with errors.Is what to tell a user.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrInvalid  = errors.New("invalid")
)

// Error is a domain error that names where the problem is: a field path such as
// "cmocs[2].code", or an id.
type Error struct {
	Kind error // one of the sentinels
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Kind }

// Invalid reports bad input at path.
func Invalid(path, format string, args ...any) error {
	return &Error{Kind: ErrInvalid, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// NotFound reports a reference to something that does not exist.
func NotFound(path, format string, args ...any) error {
	return &Error{Kind: ErrNotFound, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Conflict reports a change the current state does not allow (duplicate id, owned children).
func Conflict(path, format string, args ...any) error {
	return &Error{Kind: ErrConflict, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// AtPath prefixes the paths of every domain error in err with prefix, so an error found in a
// nested value names its place in the whole input.
func AtPath(prefix string, err error) error {
	if err == nil || prefix == "" {
		return err
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range joined.Unwrap() {
			out = append(out, AtPath(prefix, e))
		}
		return errors.Join(out...)
	}
	var de *Error
	if errors.As(err, &de) {
		c := *de
		switch {
		case c.Path == "":
			c.Path = prefix
		case c.Path[0] == '[':
			c.Path = prefix + c.Path
		default:
			c.Path = prefix + "." + c.Path
		}
		return &c
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

// Errors flattens err into its domain errors (joined errors are split).
func Errors(err error) []error {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range joined.Unwrap() {
			out = append(out, Errors(e)...)
		}
		return out
	}
	return []error{err}
}
