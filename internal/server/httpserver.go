package server

import (
	"log/slog"
	"net/http"
	"time"
)

// Timeouts bound each phase of a connection, so that a client that sends slowly (slowloris)
// or never reads its answer holds a connection for a bounded time.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers.
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included (an upload of several files).
	Read time.Duration
	// Write bounds a response, from the end of the request's headers; it exceeds
	// DefaultRequestTimeout so that the slowest allowed request can still answer.
	Write time.Duration
	// Idle bounds how long a kept-alive connection waits for its next request.
	Idle time.Duration
}

// DefaultTimeouts are serve's.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: time.Minute,
	Write: DefaultRequestTimeout + 10*time.Second, Idle: 2 * time.Minute}

// MaxHeaderBytes bounds a request's headers.
const MaxHeaderBytes = 64 << 10

// NewHTTPServer returns the http.Server serve runs: h with every timeout set.
func NewHTTPServer(h http.Handler, t Timeouts, logger *slog.Logger) *http.Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}
