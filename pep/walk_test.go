package pep

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// graph is a test graph: name -> extra -> requirements ("name[x]; marker").
type graph map[string]map[string][]string

func (g graph) walk(env Env) Walk[string, Dependency] {
	return Walk[string, Dependency]{
		Env: env,
		Requires: func(node, extra string) ([]Dependency, error) {
			var out []Dependency
			for _, s := range g[node][extra] {
				r, err := ParseRequirement(s)
				if err != nil {
					panic(err)
				}
				d := Dependency{Name: r.Name, Extras: r.Extras}
				if r.Marker != nil {
					d.Marker = r.Marker.String()
				}
				out = append(out, d)
			}
			if _, ok := g[node][extra]; !ok && extra != "" {
				return out, fmt.Errorf("%s has no extra %s", node, extra)
			}
			return out, nil
		},
		Resolve: func(from string, d Dependency) ([]string, error) {
			if _, ok := g[d.Name]; !ok {
				return nil, fmt.Errorf("%s needs %s, which is not there", from, d.Name)
			}
			return []string{d.Name}, nil
		},
	}
}

func TestWalk(t *testing.T) {
	g := graph{
		"app":     {"": {"celery[Redis]", "tomli; python_version < '3.11'", "pywin32; sys_platform == 'win32'"}},
		"celery":  {"": {"kombu"}, "redis": {"redis[hiredis]; extra == 'redis'", "never; extra == 'other'"}},
		"kombu":   {"": {"celery"}}, // a cycle
		"redis":   {"": nil, "hiredis": {"hiredis; extra == \"hiredis\""}},
		"hiredis": {},
		"tomli":   {},
		"pywin32": {},
		"never":   {},
	}
	got, err := g.walk(Linux("3.12", "x86_64")).From(Step[string]{Node: "app"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"app", "celery", "kombu", "redis", "hiredis"}; !slices.Equal(got, want) {
		t.Errorf("3.12: %q, want %q", got, want)
	}
	got, _ = g.walk(Linux("3.10", "x86_64")).From(Step[string]{Node: "app"})
	if !slices.Contains(got, "tomli") {
		t.Errorf("3.10: %q has no tomli", got)
	}
	// With no environment every requirement applies: the extras still decide.
	got, _ = g.walk(nil).From(Step[string]{Node: "app"})
	if want := []string{"app", "celery", "tomli", "pywin32", "kombu", "redis", "never", "hiredis"}; !slices.Equal(got, want) {
		t.Errorf("nil Env: %q, want %q", got, want)
	}
	// A root may be reached for an extra.
	got, _ = g.walk(Linux("3.12", "x86_64")).From(Step[string]{Node: "redis", Extra: "HIREDIS"})
	if want := []string{"redis", "hiredis"}; !slices.Equal(got, want) {
		t.Errorf("redis[hiredis]: %q, want %q", got, want)
	}
}

func TestWalkErrors(t *testing.T) {
	g := graph{
		"app": {"": {"lib[missing]", "ghost", "ok; python_version >= '3'"}},
		"lib": {"": {"bad; os_name == 'posix'"}},
		"ok":  {},
	}
	w := g.walk(Linux("3.12", "x86_64"))
	// A marker that cannot be evaluated: the env lacks a variable.
	delete(w.Env, "os_name")
	got, err := w.From(Step[string]{Node: "app"})
	for _, want := range []string{"lib has no extra missing", "app needs ghost", `marker "os_name == 'posix'"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
	if want := []string{"app", "lib", "ok"}; !slices.Equal(got, want) {
		t.Errorf("%q, want %q: the walk goes on past errors", got, want)
	}

	// BadMarker decides: nil takes the requirement.
	w.BadMarker = func(from string, d Dependency, err error) error { return nil }
	w.Resolve = func(_ string, d Dependency) ([]string, error) { return []string{d.Name}, nil }
	got, err = w.From(Step[string]{Node: "lib"})
	if err != nil || !slices.Equal(got, []string{"lib", "bad"}) {
		t.Errorf("lenient: %q, %v", got, err)
	}
	w.BadMarker = func(from string, d Dependency, err error) error { return errors.New(from + ": " + d.Name) }
	if _, err = w.From(Step[string]{Node: "lib"}); err == nil || err.Error() != "lib: bad" {
		t.Errorf("located: %v", err)
	}
}
