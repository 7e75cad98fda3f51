package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: invalid JSON %q: %v", path, rec.Body.String(), err)
	}
	return rec.Code, body
}

func TestEndpoints(t *testing.T) {
	a := &app{log: newLogger("error")}
	h := a.routes()

	if code, body := get(t, h, "/healthz"); code != http.StatusOK || body["status"] != "ok" {
		t.Errorf("/healthz = %d %v", code, body)
	}
	if code, body := get(t, h, "/readyz"); code != http.StatusOK || body["status"] != "ready" {
		t.Errorf("/readyz = %d %v", code, body)
	}
	a.draining.Store(true)
	if code, _ := get(t, h, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz while draining = %d, want 503", code)
	}
	if code, _ := get(t, h, "/nope"); code != http.StatusNotFound {
		t.Errorf("/nope = %d, want 404", code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := (&app{log: newLogger("error")}).routes()
	want := map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
	}
	for _, path := range []string{"/healthz", "/nope"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		for name, value := range want {
			if got := rec.Header().Get(name); got != value {
				t.Errorf("%s: %s = %q, want %q", path, name, got, value)
			}
		}
	}
}

func TestDependencies(t *testing.T) {
	env := map[string]string{"PGHOST": "db", "REDIS_HOST": "cache", "REDIS_PORT": "6380"}
	got := dependencies(func(k string) string { return env[k] })
	want := []dependency{
		{Name: "postgres", Addr: "db:5432"},
		{Name: "redis", Addr: "cache:6380"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dependencies = %v, want %v", got, want)
	}
	if deps := dependencies(func(string) string { return "" }); len(deps) != 0 {
		t.Errorf("dependencies with empty env = %v, want none", deps)
	}
}
