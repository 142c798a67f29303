package server

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cmograph/cmograph/internal/auth"
	"golang.org/x/time/rate"
)

// clientLimiter gives each client (its token, or its address when anonymous) a token bucket.
type clientLimiter struct {
	rate  rate.Limit
	burst int
	now   func() time.Time

	mu        sync.Mutex
	clients   map[string]*clientBucket
	lastSweep time.Time
}

type clientBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// idleClient is how long a client's bucket is kept after its last request; a full bucket
// forgotten is the same as a new one.
const idleClient = 10 * time.Minute

func newClientLimiter(perSecond float64, burst int, now func() time.Time) *clientLimiter {
	if burst < 1 {
		burst = max(1, int(math.Ceil(perSecond)))
	}
	return &clientLimiter{rate: rate.Limit(perSecond), burst: burst, now: now, clients: map[string]*clientBucket{}}
}

// wait says how long the client must wait before this request would be allowed (0: allowed
// now, and counted).
func (l *clientLimiter) wait(key string) time.Duration {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute {
		for k, b := range l.clients {
			if now.Sub(b.seen) > idleClient {
				delete(l.clients, k)
			}
		}
		l.lastSweep = now
	}
	b, ok := l.clients[key]
	if !ok {
		b = &clientBucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.clients[key] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	return 0
}

// clientKey names the client a request counts against: its token (or JWT subject) when it
// has one, else its address, taken from X-Forwarded-For's last entry (the one the proxy in
// front added) when the operator says a proxy is in front.
func clientKey(r *http.Request, trustProxy bool) string {
	if p, ok := auth.PrincipalFrom(r.Context()); ok && !p.Anonymous() {
		return "token:" + p.TokenID
	}
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return "ip:" + strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + host
}

// rateLimit answers 429 with Retry-After to a client over its rate.
func rateLimit(l *clientLimiter, trustProxy bool, next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := l.wait(clientKey(r, trustProxy)); d > 0 {
			secs := int(math.Ceil(d.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeStatus(w, http.StatusTooManyRequests, "rate limited",
				"too many requests from this client; retry in "+strconv.Itoa(secs)+" s")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitConcurrency lets at most n requests run at once; others wait briefly for a slot, then
// answer 503, so a burst queues a little and a flood is shed instead of piling up.
func limitConcurrency(n int, queueWait time.Duration, next http.Handler) http.Handler {
	if n <= 0 {
		return next
	}
	slots := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(queueWait)
		defer t.Stop()
		select {
		case slots <- struct{}{}:
		case <-t.C:
			w.Header().Set("Retry-After", "1")
			writeStatus(w, http.StatusServiceUnavailable, "busy", "the server is at its limit of concurrent requests; retry shortly")
			return
		case <-r.Context().Done():
			return
		}
		defer func() { <-slots }()
		next.ServeHTTP(w, r)
	})
}
