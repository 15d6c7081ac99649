package venv

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGraph(t *testing.T) {
	kombu := dist("kombu", false, "celery", "kombu")                                       // a cycle, and itself
	kombu.Requires = append(kombu.Requires, Requirement{Name: "vine", Marker: "extra =="}) // a marker that cannot be read counts
	dists := []Dist{
		dist("celery", false, "kombu", `redis>=4; extra == "redis"`, "celery-utils; python_version < '3'"),
		kombu,
		dist("redis", false, `hiredis; extra == "hiredis"`),
		dist("hiredis", false), dist("vine", false),
	}
	g := NewGraph(dists, "3.12", nil)
	if diff := cmp.Diff([]string{"kombu"}, g.Requires("celery")); diff != "" {
		t.Errorf("celery requires (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"celery", "vine"}, g.Requires("kombu")); diff != "" {
		t.Errorf("kombu requires (-want +got):\n%s", diff)
	}
	// The manifest's celery[redis] brings redis, and redis[hiredis] is not asked for.
	g = NewGraph(dists, "3.12", map[string][]string{"celery": {"Redis"}})
	want := map[string][]string{"celery": {"kombu"}, "kombu": {"celery"}, "redis": {"celery"}, "vine": {"kombu"}}
	if diff := cmp.Diff(want, g.RequiredBy()); diff != "" {
		t.Errorf("RequiredBy (-want +got):\n%s", diff)
	}
}
