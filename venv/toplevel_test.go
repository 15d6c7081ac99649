package venv

import (
	"testing"

	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
	"github.com/google/go-cmp/cmp"
)

// dist builds a Dist from requirement strings.
func dist(name string, requested bool, requires ...string) Dist {
	d := Dist{Name: pep.NormalizeName(name), RawName: name, Version: "1.0", Requested: requested}
	for _, s := range requires {
		r, err := manifest.ParseRequirement(s)
		if err != nil {
			panic(err)
		}
		d.Requires = append(d.Requires, r)
	}
	return d
}

func TestTopLevel(t *testing.T) {
	tests := []struct {
		name     string
		dists    []Dist
		python   string
		imported map[string]bool
		want     []string
	}{
		{
			name: "nobody requires them",
			dists: []Dist{
				dist("Django", false, "asgiref<4,>=3.3.2", "pytz", "sqlparse>=0.2.2"),
				dist("asgiref", false), dist("pytz", false), dist("sqlparse", false),
				dist("gunicorn", false),
			},
			python: "3.10",
			want:   []string{"django", "gunicorn"},
		},
		{
			name: "REQUESTED wins over being required",
			dists: []Dist{
				dist("djangorestframework", true, "django>=2.2"),
				dist("Django", true, "pytz"), dist("pytz", false),
			},
			python: "3.8",
			want:   []string{"django", "djangorestframework"},
		},
		{
			name: "markers evaluated for the venv's Python: an unmet one does not make a dependency",
			dists: []Dist{
				dist("asgiref", false, `typing-extensions>=4; python_version < "3.11"`),
				dist("typing_extensions", false),
			},
			python: "3.8",
			want:   []string{"asgiref"},
		},
		{
			name: "the same on 3.12: typing_extensions stands alone",
			dists: []Dist{
				dist("asgiref", false, `typing-extensions>=4; python_version < "3.11"`),
				dist("typing_extensions", false),
			},
			python: "3.12.1",
			want:   []string{"asgiref", "typing-extensions"},
		},
		{
			name: "on Linux, not Windows: a dependency for Windows only is its own",
			dists: []Dist{
				dist("click", false, `colorama; platform_system == "Windows"`),
				dist("colorama", false),
			},
			python: "3.11",
			want:   []string{"click", "colorama"},
		},
		{
			name: "Python 2.7's sys_platform is linux2",
			dists: []Dist{
				dist("thing", false, `pyinotify; sys_platform == "linux2"`),
				dist("pyinotify", false),
			},
			python: "2.7",
			want:   []string{"thing"},
		},
		{
			name: "extras are followed, through normalised names",
			dists: []Dist{
				dist("celery", false, "kombu", `redis>=4.5; extra == "redis"`, `pymongo; extra == "mongodb"`),
				dist("kombu", false),
				dist("redis", false),
				dist("pymongo", false),
				dist("myapp-deps", false, "Celery[Redis]"),
			},
			python: "3.11",
			want:   []string{"myapp-deps", "pymongo"},
		},
		{
			name: "an extra's requirements chain on",
			dists: []Dist{
				dist("a", false, "b[x]"),
				dist("b", false, "c[y]; extra == 'x'"),
				dist("c", false, "d; extra == 'y'"),
				dist("d", false),
			},
			python: "3.11",
			want:   []string{"a"},
		},
		{
			name: "pip, setuptools, wheel and distribute are left out, even REQUESTED",
			dists: []Dist{
				dist("pip", true), dist("setuptools", false), dist("wheel", false), dist("distribute", false),
				dist("pkg-resources", false), dist("requests", false),
			},
			python: "3.8",
			want:   []string{"requests"},
		},
		{
			name: "unless the code imports them",
			dists: []Dist{
				dist("pip", false), dist("setuptools", false), dist("wheel", false),
			},
			python:   "3.8",
			imported: map[string]bool{"pkg_resources": true, "wheel": true},
			want:     []string{"setuptools", "wheel"},
		},
		{
			name: "a cycle nothing else requires: its first member stands for it",
			dists: []Dist{
				dist("sphinx", false, "sphinxcontrib-applehelp", "docutils"),
				dist("sphinxcontrib-applehelp", false, "Sphinx>=5"),
				dist("docutils", false),
			},
			python: "3.11",
			want:   []string{"sphinx"},
		},
		{
			name: "a cycle: its REQUESTED member stands for it",
			dists: []Dist{
				dist("a-cyc", false, "b-cyc"),
				dist("b-cyc", true, "a-cyc"),
			},
			python: "3.11",
			want:   []string{"b-cyc"},
		},
		{
			name: "a cycle below a top-level distribution adds nothing",
			dists: []Dist{
				dist("app", false, "x"),
				dist("x", false, "y"),
				dist("y", false, "x"),
			},
			python: "3.11",
			want:   []string{"app"},
		},
		{
			name: "requirements on what is not installed, and on itself, are ignored",
			dists: []Dist{
				dist("lonely", false, "missing-dep", "lonely[extra]"),
			},
			python: "3.11",
			want:   []string{"lonely"},
		},
		{
			name: "a marker that cannot be evaluated counts as met",
			dists: []Dist{
				dist("odd", false, `dep; os_name ~= "posix"`),
				dist("dep", false),
			},
			python: "3.11",
			want:   []string{"odd"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range TopLevel(tt.dists, tt.python, tt.imported) {
				got = append(got, d.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("TopLevel() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
