package image

import (
	"io/fs"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerize/containerize/plan"
)

func TestAppEntries(t *testing.T) {
	tree := func(extra fstest.MapFS) fstest.MapFS {
		m := fstest.MapFS{
			"manage.py":                {Data: []byte("x")},
			"web/app.py":               {Data: []byte("x")},
			"web/static/site.css":      {Data: []byte("x")},
			"web/node_modules/x/a.js":  {Data: []byte("x")},
			"web/.env":                 {Data: []byte("SECRET=1")},
			"web/.env.local":           {Data: []byte("SECRET=1")},
			"web/.env.sample":          {Data: []byte("SECRET=")},
			"web/.git":                 {Data: []byte("gitdir: ../.git/worktrees/web")},
			"web/venv/pyvenv.cfg":      {Data: []byte("home = /usr/bin")},
			"web/venv/bin/python":      {Data: []byte("x")},
			"web/tools/venvlike/x.py":  {Data: []byte("x")},
			"web/bin/run":              {Data: []byte("#!/bin/sh"), Mode: 0o700},
			"web/link":                 {Data: []byte("app.py"), Mode: fs.ModeSymlink},
			"other/outside.py":         {Data: []byte("x")},
			"web/docs/guide.md":        {Data: []byte("x")},
			"web/docs/api/keep.md":     {Data: []byte("x")},
			"web/docs/api/skip.md":     {Data: []byte("x")},
			"web/pyproject.toml":       {Data: []byte("x")},
			"web/data/db.sqlite3":      {Data: []byte("x")},
			"web/data/fixtures/a.json": {Data: []byte("x")},
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	rt := &plan.Runtime{SourceDir: "web", UID: 10001, GID: 10001}
	for _, tc := range []struct {
		name  string
		fsys  fstest.MapFS
		venvs []string
		want  []string
	}{
		{
			name: "no .dockerignore: the fixed exclusions (secrets, version control, local data, virtualenvs) still apply",
			fsys: tree(nil),
			want: []string{"bin", "bin/run", "data", "data/fixtures", "data/fixtures/a.json",
				"docs", "docs/api", "docs/api/keep.md", "docs/api/skip.md", "docs/guide.md", ".env.sample", "link",
				"app.py", "pyproject.toml",
				"static", "static/site.css", "tools", "tools/venvlike", "tools/venvlike/x.py"},
		},
		{
			name: "patterns relative to the context root, with a re-included file",
			fsys: tree(fstest.MapFS{".dockerignore": {Data: []byte("# comment\n**/node_modules\nweb/docs\n!web/docs/api/keep.md\n*.sqlite3\nweb/data/*.sqlite3\n/web/tools\n")}}),
			want: []string{"bin", "bin/run", "data", "data/fixtures", "data/fixtures/a.json",
				"docs/api/keep.md", ".env.sample", "link", "app.py", "pyproject.toml", "static", "static/site.css"},
		},
		{
			name:  "listed virtualenv",
			fsys:  tree(fstest.MapFS{".dockerignore": {Data: []byte("**\n!web/app.py\n")}}),
			venvs: []string{"web/tools"},
			want:  []string{"app.py"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries, err := appEntries(tc.fsys, rt, tc.venvs)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				if e.UID != 10001 || e.GID != 10001 {
					t.Errorf("%s owned by %d:%d", e.Path, e.UID, e.GID)
				}
				if e.Path == AppDir {
					continue
				}
				got = append(got, strings.TrimPrefix(e.Path, AppDir+"/"))
				switch e.Path {
				case "/app/bin/run":
					if e.Mode&0o111 == 0 {
						t.Errorf("run lost its exec bit: %v", e.Mode)
					}
				case "/app/link":
					if e.Mode&fs.ModeSymlink == 0 || e.Link != "app.py" {
						t.Errorf("link: %v -> %q", e.Mode, e.Link)
					}
				}
			}
			sort.Strings(got)
			want := append([]string(nil), tc.want...)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

func TestAppEntriesBadDockerignore(t *testing.T) {
	fsys := fstest.MapFS{".dockerignore": {Data: []byte("[\n")}, "a.py": {Data: []byte("x")}}
	_, err := appEntries(fsys, &plan.Runtime{SourceDir: "."}, nil)
	if err == nil || !strings.Contains(err.Error(), ".dockerignore") {
		t.Errorf("err = %v", err)
	}
}
