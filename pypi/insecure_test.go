package pypi

import (
	"slices"
	"strings"
	"testing"
)

// Credentials never go over plain http to another machine unless the user allows it; plain
// http is reported for a warning either way.
func TestNewRefusesCredentialsOverHTTP(t *testing.T) {
	for _, tt := range []struct {
		opts    Options
		wantErr string
	}{
		{Options{IndexURL: "http://user:s3cret@pypi.corp.example/simple"}, "index URL http://pypi.corp.example/simple/ has credentials and is plain http"},
		{Options{ExtraIndexURLs: []string{"http://token@10.0.0.5:8080/simple"}}, "extra index URL http://10.0.0.5:8080/simple/ has credentials"},
		{Options{IndexURL: "http://user:s3cret@pypi.corp.example/simple", AllowInsecureIndex: true}, ""},
		{Options{IndexURL: "http://user:s3cret@127.0.0.1:8080/simple"}, ""},
		{Options{IndexURL: "http://user:s3cret@localhost/simple"}, ""},
		{Options{IndexURL: "http://user:s3cret@[::1]:3141/simple"}, ""},
		{Options{IndexURL: "http://pypi.corp.example/simple"}, ""},
		{Options{IndexURL: "https://user:s3cret@pypi.corp.example/simple"}, ""},
	} {
		c, err := New(tt.opts)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("New(%+v): %v", tt.opts, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "--allow-insecure-index") {
			t.Errorf("New(%+v) error = %v, want %q", tt.opts, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error shows the password: %v", err)
		}
		_ = c
	}
	c, err := New(Options{IndexURL: "http://127.0.0.1:8080/simple", ExtraIndexURLs: []string{"https://pypi.org/simple"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Insecure(); !slices.Equal(got, []string{"http://127.0.0.1:8080/simple/"}) {
		t.Errorf("Insecure() = %q", got)
	}
}

func TestRedactString(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pass@host/simple/":       "https://host/simple/",
		"https://us@er:p%zz@host/simple/":      "https://***@host/simple/",
		"https://user:pa/ss@w%rd@host/simple/": "https://***@host/simple/",
		"user:p%zz@host":                       "***@host",
		"https://host/%zz":                     "https://host/%zz",
	} {
		if got := redactString(in); got != want {
			t.Errorf("redactString(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := New(Options{IndexURL: "https://us@er:pa ss%zz@host/simple"}); err == nil || strings.Contains(err.Error(), "pa ss") || strings.Contains(err.Error(), "er:") {
		t.Errorf("an unparsable URL's error = %v", err)
	}
}
