// Command {{ project_name }} is a minimal HTTP service built on the standard library only.
//
// Endpoints:
//
//	GET /         service name and version
//	GET /healthz  liveness: the process is up and serving
//	GET /readyz   readiness: dependencies are reachable and we are not draining
//
// Configuration comes from the environment (PORT, LOG_LEVEL{% if database == 'postgres' %}, PGHOST, PGPORT{% endif %}{% if cache == 'redis' %}, REDIS_HOST, REDIS_PORT{% endif %}).
// Logs are JSON lines on stdout. SIGTERM and SIGINT stop accepting connections,
// finish in-flight requests and exit 0. `-healthcheck` probes /healthz and
// exits 0 or 1, for the container HEALTHCHECK in an image without a shell.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

const service = "{{ project_name }}"

// version is set at build time with -ldflags "-X main.version=...".
var version = "{{ app_version }}"

var levels = map[string]int{"debug": 10, "info": 20, "warn": 30, "error": 40}

type logger struct{ threshold int }

func newLogger(level string) *logger {
	t, ok := levels[strings.ToLower(level)]
	if !ok {
		t = levels["info"]
	}
	return &logger{threshold: t}
}

// log writes one JSON object per line to stdout.
func (l *logger) log(level, msg string, kv ...any) {
	if levels[level] < l.threshold {
		return
	}
	entry := map[string]any{
		"time":    time.Now().UTC().Format(time.RFC3339Nano),
		"level":   level,
		"service": service,
		"msg":     msg,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		entry[fmt.Sprint(kv[i])] = kv[i+1]
	}
	line, err := json.Marshal(entry)
	if err != nil {
		line = []byte(fmt.Sprintf(`{"level":"error","msg":%q}`, err.Error()))
	}
	fmt.Fprintln(os.Stdout, string(line))
}

// dependency is a TCP endpoint that must be reachable for the service to be ready.
type dependency struct {
	Name string
	Addr string
}

// dependencies lists the TCP dependencies configured in the environment.
func dependencies(getenv func(string) string) []dependency {
	var deps []dependency
	add := func(name, hostVar, portVar, defaultPort string) {
		host := getenv(hostVar)
		if host == "" {
			return
		}
		port := getenv(portVar)
		if port == "" {
			port = defaultPort
		}
		deps = append(deps, dependency{Name: name, Addr: net.JoinHostPort(host, port)})
	}
	add("postgres", "PGHOST", "PGPORT", "5432")
	add("redis", "REDIS_HOST", "REDIS_PORT", "6379")
	return deps
}

// securityHeaders go with every response: a JSON API is never sniffed,
// framed, cached or given a referrer. The Ingress cannot add them on a
// default ingress-nginx.
var securityHeaders = map[string]string{
	"X-Content-Type-Options":  "nosniff",
	"X-Frame-Options":         "DENY",
	"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
	"Referrer-Policy":         "no-referrer",
	"Cache-Control":           "no-store",
}

type app struct {
	log      *logger
	deps     []dependency
	draining atomic.Bool
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if a.draining.Load() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
			return
		}
		var down []string
		for _, d := range a.deps {
			conn, err := net.DialTimeout("tcp", d.Addr, time.Second)
			if err != nil {
				down = append(down, d.Name)
				continue
			}
			_ = conn.Close()
		}
		if len(down) > 0 {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "down": down})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"service": service, "version": version})
	})
	return a.logRequests(withSecurityHeaders(mux))
}

func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, value := range securityHeaders {
			w.Header().Set(name, value)
		}
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (a *app) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		a.log.log("info", "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration_ms", time.Since(start).Milliseconds())
	})
}

// healthcheck probes /healthz on the local port; used by the container HEALTHCHECK.
func healthcheck(port string) int {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}

func run() int {
	check := flag.Bool("healthcheck", false, "probe /healthz on PORT and exit 0 if healthy")
	flag.Parse()

	port := os.Getenv("PORT")
	if port == "" {
		port = "{{ port }}"
	}
	if *check {
		return healthcheck(port)
	}

	a := &app{log: newLogger(os.Getenv("LOG_LEVEL")), deps: dependencies(os.Getenv)}
	srv := &http.Server{
		Addr:              ":" + port,
		Handler:           a.routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	errc := make(chan error, 1)
	go func() {
		a.log.log("info", "listening", "port", port, "version", version)
		errc <- srv.ListenAndServe()
	}()

	select {
	case err := <-errc:
		a.log.log("error", "server failed", "error", err.Error())
		return 1
	case <-ctx.Done():
	}

	a.log.log("info", "shutting down")
	a.draining.Store(true)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.log.log("error", "shutdown incomplete", "error", err.Error())
		return 1
	}
	a.log.log("info", "stopped")
	return 0
}

func main() {
	os.Exit(run())
}
