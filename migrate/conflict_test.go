package migrate

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/golden"
)

// TestConflicts: what `pip check` would report in the virtualenv — a Requires-Dist that the installed
// version of another distribution does not satisfy, or whose distribution is missing — is reported
// naming both and the requirement, with markers evaluated for the image's Python (3.10 for a 3.8
// virtualenv) and only the extras someone asks for; the lock is refused unless written anyway.
func TestConflicts(t *testing.T) {
	w := world{}
	w.project(map[string]string{"manage.py": "import django\nimport django_filters\nimport celery\n"})
	site := w.pyvenv("proj/venv", "3.8.10")
	djangoSite(w, site)
	w.add(site, dist{name: "django-filter", version: "23.5", requested: true, topLevel: "django_filters",
		requires: []string{"Django>=4.2"}})
	w.add(site, dist{name: "celery", version: "5.3.6", requested: true, topLevel: "celery",
		requires: []string{
			"kombu<6.0,>=5.3.4",
			`backports.zoneinfo>=0.2.1; python_version < "3.9"`, // 3.8 only: the image runs 3.10
			`redis!=4.5.5,<6.0.0,>=4.5.2; extra == "redis"`,     // nobody asks for celery[redis]
			"pytz>=2021.1",
		}})
	in := load(t, w)
	r := analyze(t, in)

	var got []string
	for _, c := range r.Conflicts {
		got = append(got, c.String())
	}
	want := []string{
		"celery 5.3.6 requires kombu<6.0,>=5.3.4, which is not installed (venv/lib/python3.8/site-packages/celery-5.3.6.dist-info/METADATA:4)",
		"django-filter 23.5 requires Django>=4.2, but django 3.2.25 is installed (venv/lib/python3.8/site-packages/django_filter-23.5.dist-info/METADATA:4)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	if r.CheckedPython != "3.10" {
		t.Errorf("CheckedPython = %q, want 3.10 (the image's Python)", r.CheckedPython)
	}

	err := r.CheckInstallable()
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("CheckInstallable = %v, want a *ConflictError", err)
	}
	for _, s := range append(want, "--allow-conflicts", "Python 3.10") {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q:\n%v", s, err)
		}
	}
	var human strings.Builder
	r.Human(&human)
	if !strings.Contains(human.String(), "Conflicts: requirements the installed packages do not satisfy (pip check, Python 3.10) (2):\n  celery 5.3.6 requires kombu") {
		t.Errorf("report lacks the conflicts:\n%s", human.String())
	}

	// Written anyway, the lock says it does not install as it is.
	files := plan(t, in, r, FormatRequirements)
	golden.Assert(t, files[LockFile], "conflict/requirements.lock")
}

// TestNoConflicts: a consistent virtualenv (extras nobody asks for, markers false on the image's
// Python) has none, and its lock is written.
func TestNoConflicts(t *testing.T) {
	w := world{}
	w.project(map[string]string{"manage.py": "import django\n"})
	djangoSite(w, w.pyvenv("proj/venv", "3.11.2"))
	r := analyze(t, load(t, w))
	if len(r.Conflicts) != 0 || r.CheckInstallable() != nil {
		t.Errorf("conflicts in a consistent virtualenv: %v", r.Conflicts)
	}
}
