package main

import (
	"bytes"
	"strings"
	"testing"
)

// complete runs the hidden __complete command, as the shell scripts do, and returns its
// suggestions and directive line.
func complete(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(append([]string{"__complete"}, args...), &IO{Out: &out, ErrOut: &errOut}); code != exitOK {
		t.Fatalf("__complete %q: exit %d: %s", args, code, errOut.String())
	}
	return out.String()
}

func TestCompletion(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string
		not  []string
	}{
		{[]string{"init", "--server", ""}, []string{"gunicorn\n", "uvicorn\n", "daphne\n", ":4\n"}, nil},
		{[]string{"init", "--python", "3.1"}, []string{"3.12\n", "3.13\n"}, nil},
		{[]string{"init", "--services", ""}, []string{"postgres\n", "redis\n", "none\n", ":6\n"}, nil},
		{[]string{"init", "--services", "postgres,r"}, []string{"postgres,redis\n"}, []string{"postgres,postgres"}},
		{[]string{"init", "--services", "postgres,"}, []string{"postgres,redis\n"}, []string{"postgres,postgres"}},
		{[]string{"build", "--output", ""}, []string{"docker,dest=\n", "oci,dest=\n"}, nil},
		{[]string{"build", "--output", "docker,dest=im"}, []string{":0\n"}, nil},
	} {
		got := complete(t, tt.args...)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("__complete %q = %q, want %q in it", tt.args, got, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(got, n) {
				t.Errorf("__complete %q = %q, want no %q", tt.args, got, n)
			}
		}
	}
	var out bytes.Buffer
	if code := run([]string{"completion", "bash"}, &IO{Out: &out, ErrOut: &out}); code != exitOK || !strings.Contains(out.String(), "__start_containerize") {
		t.Errorf("completion bash: exit %d:\n%.300s", code, out.String())
	}
}
