package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
)

// limitBody caps a request body: a plain GraphQL request at MaxBodyBytes, an upload at
// MaxUploadBytes. A body over the cap answers 413: at once when Content-Length says so, and
// otherwise when reading reaches the cap, whatever the GraphQL transport then answers.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(MaxBodyBytes)
		if isMultipart(r) {
			limit = MaxUploadBytes
		}
		if r.ContentLength > limit {
			bodyTooLarge(w, limit)
			return
		}
		b := &cappedBody{ReadCloser: http.MaxBytesReader(w, r.Body, limit)}
		r.Body = b
		next.ServeHTTP(&overLimitWriter{ResponseWriter: w, body: b, limit: limit}, r)
	})
}

func bodyTooLarge(w http.ResponseWriter, limit int64) {
	w.Header().Set("Connection", "close")
	writeStatus(w, http.StatusRequestEntityTooLarge, "too large", "a request body may hold at most "+strconv.FormatInt(limit, 10)+" bytes")
}

// cappedBody notes that reading hit the cap.
type cappedBody struct {
	io.ReadCloser
	hit atomic.Bool
}

func (b *cappedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		b.hit.Store(true)
	}
	return n, err
}

// overLimitWriter answers 413 in place of whatever the handler answers once the body hit the
// cap.
type overLimitWriter struct {
	http.ResponseWriter
	body    *cappedBody
	limit   int64
	wrote   bool
	refused bool
}

func (w *overLimitWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if w.body.hit.Load() {
		w.refused = true
		bodyTooLarge(w.ResponseWriter, w.limit)
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *overLimitWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.refused {
		return len(p), nil // the handler's answer is replaced by the 413's
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *overLimitWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
