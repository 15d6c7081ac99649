package manifest

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// brief is what most requirement tests compare: identity and evidence.
type brief struct {
	Name, Spec, Marker, URL string
	Editable                bool
	Hashes                  int
	Where                   string
}

func briefs(rs []Requirement) []brief {
	out := make([]brief, len(rs))
	for i, r := range rs {
		out[i] = brief{r.Name, r.Specifier, r.Marker, r.URL, r.Editable, len(r.Hashes), r.Where()}
	}
	return out
}

func TestParseRequirementsFileTree(t *testing.T) {
	fsys := os.DirFS("testdata/reqs")
	rs, err := ParseRequirementsFile(fsys, "requirements.txt")
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{"requirements.txt", "requirements/production.txt", "requirements/base.txt", "constraints.txt"}
	if diff := cmp.Diff(wantFiles, rs.Files); diff != "" {
		t.Errorf("Files (-want +got):\n%s", diff)
	}
	wantReqs := []brief{
		{"django", ">=4.2,<5.0", "", "", false, 0, "requirements/base.txt:4"},
		{"django-environ", "==0.11.2", "", "", false, 0, "requirements/base.txt:5"},
		{"celery", "==5.3.6", `python_version >= "3.8"`, "", false, 0, "requirements/base.txt:6"},
		{"psycopg2", "==2.9.9", `python_version >= "3"`, "", false, 0, "requirements/base.txt:7"},
		{"django-shop", "", "", "git+https://github.com/example/django-shop.git@v2.1#egg=django_shop", true, 0, "requirements/base.txt:9"},
		{"whitenoise", "", "", "https://example.com/packages/whitenoise-6.6.0-py3-none-any.whl", false, 0, "requirements/base.txt:10"},
		{"redis", "", `sys_platform != "win32"`, "https://example.com/redis-5.0.1.tar.gz", false, 0, "requirements/base.txt:11"},
		{"gunicorn", "==21.2.0", "", "", false, 0, "requirements/production.txt:3"},
		{"sentry-sdk", ">=1.40", "", "", false, 0, "requirements/production.txt:4"},
	}
	if diff := cmp.Diff(wantReqs, briefs(rs.Requirements)); diff != "" {
		t.Errorf("Requirements (-want +got):\n%s", diff)
	}
	wantCons := []brief{
		{"sentry-sdk", "==1.40.5", "", "", false, 0, "constraints.txt:1"},
		{"urllib3", "<2", "", "", false, 0, "constraints.txt:2"},
	}
	if diff := cmp.Diff(wantCons, briefs(rs.Constraints)); diff != "" {
		t.Errorf("Constraints (-want +got):\n%s", diff)
	}
	if rs.IndexURL != "https://pypi.internal.example.com/simple" {
		t.Errorf("IndexURL = %q", rs.IndexURL)
	}
	if diff := cmp.Diff([]string{"https://pypi.org/simple"}, rs.ExtraIndexURLs); diff != "" {
		t.Errorf("ExtraIndexURLs (-want +got):\n%s", diff)
	}
	if rs.FullyPinned || rs.Hashed {
		t.Errorf("FullyPinned, Hashed = %v, %v; want false, false", rs.FullyPinned, rs.Hashed)
	}
	if got := rs.Requirements[3].Marker; got != `python_version >= "3"` {
		t.Errorf("psycopg2's marker on a continued line = %q", got)
	}
}

func TestParseRequirementsFileHashed(t *testing.T) {
	rs, err := ParseRequirementsFile(os.DirFS("testdata/reqs"), "hashed/requirements.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []brief{
		{"asgiref", "==3.7.2", "", "", false, 2, "hashed/requirements.txt:7"},
		{"django", "==4.2.9", "", "", false, 2, "hashed/requirements.txt:11"},
		{"sqlparse", "==0.4.4", "", "", false, 1, "hashed/requirements.txt:15"},
	}
	if diff := cmp.Diff(want, briefs(rs.Requirements)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !rs.FullyPinned || !rs.Hashed {
		t.Errorf("FullyPinned, Hashed = %v, %v; want true, true", rs.FullyPinned, rs.Hashed)
	}
	if h := rs.Requirements[1].Hashes[1]; h != "sha256:12498cc3cb8bc8038539fef9e90e95f507502436c1f0c3a673411324fa675d14" {
		t.Errorf("second django hash = %q", h)
	}
}

func TestParseRequirementsFileCycle(t *testing.T) {
	rs, err := ParseRequirementsFile(os.DirFS("testdata/reqs/cycle"), "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a.txt", "b.txt"}, rs.Files); diff != "" {
		t.Errorf("Files (-want +got):\n%s", diff)
	}
	want := []brief{
		{"django", "==4.2.9", "", "", false, 0, "a.txt:1"},
		{"requests", "==2.31.0", "", "", false, 0, "b.txt:2"},
	}
	if diff := cmp.Diff(want, briefs(rs.Requirements)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !rs.FullyPinned || rs.Hashed {
		t.Errorf("FullyPinned, Hashed = %v, %v; want true, false", rs.FullyPinned, rs.Hashed)
	}
}

func TestParseRequirementsFileCases(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		want   []brief
		pinned bool
		hashed bool
		check  func(t *testing.T, rs *RequirementsSet)
	}{
		{
			name: "continuations, comments and options forms",
			files: map[string]string{"r.txt": "" +
				"# comment line ending in a backslash does not continue \\\n" +
				"requests==2.31.0 \\\n" +
				"  --hash sha256:aa \\\n" +
				"  # comment ends the continuation\n" +
				"urllib3==2.0.0 --hash=sha256:bb --hash=sha512:cc  # trailing comment\n" +
				"--extra-index-url=https://a.example/simple\n" +
				"--extra-index-url https://a.example/simple\n" +
				"-ihttps://b.example/simple\n" +
				"-f ./wheels --no-binary :all: --prefer-binary\n" +
				"--find-links=./wheels\n" +
				"--trusted-host b.example\n" +
				"--no-index\n" +
				"\r\n" +
				"Foo.Bar==1.0 --hash=sha256:dd\t# tab before the comment\n"},
			want: []brief{
				{"requests", "==2.31.0", "", "", false, 1, "r.txt:2"},
				{"urllib3", "==2.0.0", "", "", false, 2, "r.txt:5"},
				{"foo-bar", "==1.0", "", "", false, 1, "r.txt:14"},
			},
			pinned: true,
			hashed: true,
			check: func(t *testing.T, rs *RequirementsSet) {
				if rs.IndexURL != "https://b.example/simple" || !rs.NoIndex ||
					!cmp.Equal(rs.ExtraIndexURLs, []string{"https://a.example/simple"}) ||
					!cmp.Equal(rs.FindLinks, []string{"./wheels"}) {
					t.Errorf("options: %+v", rs)
				}
			},
		},
		{
			name: "local paths and editables",
			files: map[string]string{"r.txt": "" +
				"-e .\n" +
				"-e ./libs/core[extra1]\n" +
				"./dist/mypkg-1.0-py3-none-any.whl\n" +
				"../sibling\n" +
				"--editable=git+ssh://git@github.com/org/repo.git@abc123#egg=repo-pkg&subdirectory=src\n" +
				"Django==4.2.1\n"},
			want: []brief{
				{"", "", "", ".", true, 0, "r.txt:1"},
				{"", "", "", "./libs/core", true, 0, "r.txt:2"},
				{"mypkg", "", "", "./dist/mypkg-1.0-py3-none-any.whl", false, 0, "r.txt:3"},
				{"", "", "", "../sibling", false, 0, "r.txt:4"},
				{"repo-pkg", "", "", "git+ssh://git@github.com/org/repo.git@abc123#egg=repo-pkg&subdirectory=src", true, 0, "r.txt:5"},
				{"django", "==4.2.1", "", "", false, 0, "r.txt:6"},
			},
			pinned: false, // the VCS requirement has no hash
			check: func(t *testing.T, rs *RequirementsSet) {
				if got := rs.Requirements[1].Extras; !cmp.Equal(got, []string{"extra1"}) {
					t.Errorf("extras of ./libs/core = %q", got)
				}
			},
		},
		{
			name: "URL with hash and local project count as pinned",
			files: map[string]string{"r.txt": "" +
				"-e .\n" +
				"https://example.com/pkg-1.0.tar.gz#sha256=abcd\n" +
				"other @ https://example.com/other-2.0.zip --hash=sha256:ef01\n" +
				"exact===1.0 --hash=sha256:12\n"},
			want: []brief{
				{"", "", "", ".", true, 0, "r.txt:1"},
				{"pkg", "", "", "https://example.com/pkg-1.0.tar.gz#sha256=abcd", false, 0, "r.txt:2"},
				{"other", "", "", "https://example.com/other-2.0.zip", false, 1, "r.txt:3"},
				{"exact", "===1.0", "", "", false, 1, "r.txt:4"},
			},
			pinned: true,
		},
		{
			name: "constraints pin an open requirement; nested files of a constraint file are constraints",
			files: map[string]string{
				"r.txt":     "django\n-c c.txt\n",
				"c.txt":     "django==4.2.9\n-r more.txt\n",
				"more.txt":  "six==1.16\n",
				"other.txt": "unused\n",
			},
			want:   []brief{{"django", "", "", "", false, 0, "r.txt:1"}},
			pinned: true,
			check: func(t *testing.T, rs *RequirementsSet) {
				want := []brief{
					{"django", "==4.2.9", "", "", false, 0, "c.txt:1"},
					{"six", "==1.16", "", "", false, 0, "more.txt:1"},
				}
				if diff := cmp.Diff(want, briefs(rs.Constraints)); diff != "" {
					t.Errorf("Constraints (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:   "wildcard and ranges are not pins",
			files:  map[string]string{"r.txt": "a==1.*\nb==1.0\n"},
			want:   []brief{{"a", "==1.*", "", "", false, 0, "r.txt:1"}, {"b", "==1.0", "", "", false, 0, "r.txt:2"}},
			pinned: false,
		},
		{
			name:   "empty file",
			files:  map[string]string{"r.txt": "# nothing\n\n"},
			want:   []brief{},
			pinned: false,
		},
		{
			name:   "file ending in a continuation, with a BOM",
			files:  map[string]string{"r.txt": "\ufeffdjango==4.2 \\"},
			want:   []brief{{"django", "==4.2", "", "", false, 0, "r.txt:1"}},
			pinned: true,
		},
		{
			name:  "URL marker after '; ' and includes by abbreviation",
			files: map[string]string{"r.txt": "--requirem sub/x.txt\n", "sub/x.txt": "https://x.example/p-1.0.zip; python_version < \"3.12\"\n"},
			want:  []brief{{"p", "", `python_version < "3.12"`, "https://x.example/p-1.0.zip", false, 0, "sub/x.txt:1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range tt.files {
				fsys[k] = &fstest.MapFile{Data: []byte(v)}
			}
			rs, err := ParseRequirementsFile(fsys, "r.txt")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, briefs(rs.Requirements), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if rs.FullyPinned != tt.pinned || rs.Hashed != tt.hashed {
				t.Errorf("FullyPinned, Hashed = %v, %v; want %v, %v", rs.FullyPinned, rs.Hashed, tt.pinned, tt.hashed)
			}
			if tt.check != nil {
				tt.check(t, rs)
			}
		})
	}
}

func TestParseRequirementsFileErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"missing include", map[string]string{"r.txt": "django\n\n-r requirements/base.txt\n"},
			"r.txt:3: included file requirements/base.txt does not exist — fix the path (it is relative to r.txt)"},
		{"missing nested include", map[string]string{"r.txt": "-r sub/a.txt\n", "sub/a.txt": "# x\n-c ../nope.txt\n"},
			"sub/a.txt:2: included file nope.txt does not exist"},
		{"include outside the project", map[string]string{"r.txt": "-r ../../etc/passwd\n"},
			"r.txt:1: -r ../../etc/passwd: the path leaves the project directory"},
		{"absolute include", map[string]string{"r.txt": "-c /tmp/c.txt\n"}, "r.txt:1: -c /tmp/c.txt: absolute paths"},
		{"remote include", map[string]string{"r.txt": "-r https://example.com/r.txt\n"}, "r.txt:1: -r https://example.com/r.txt: remote requirements files"},
		{"bad requirement on a continued line", map[string]string{"r.txt": "ok==1\nbad>>1 \\\n  --hash=sha256:aa\n"},
			`r.txt:2: invalid requirement "bad>>1": expected a version after ">"`},
		{"unknown option", map[string]string{"r.txt": "\n--frobnicate\n"}, "r.txt:2: unknown option --frobnicate"},
		{"option needs a value", map[string]string{"r.txt": "-r\n"}, "r.txt:1: option -r needs a value"},
		{"flag with value", map[string]string{"r.txt": "--pre=yes\n"}, "r.txt:1: option --pre takes no value"},
		{"file option after requirement", map[string]string{"r.txt": "django -i https://x\n"}, "r.txt:1: option --index-url cannot follow a requirement"},
		{"hash alone", map[string]string{"r.txt": "--hash=sha256:abc\n"}, "r.txt:1: option --hash must follow a requirement"},
		{"bad hash", map[string]string{"r.txt": "a==1 --hash=abc\n"}, "r.txt:1: --hash=abc: expected algorithm:digest"},
		{"unterminated quote", map[string]string{"r.txt": "--index-url 'https://x\n"}, "r.txt:1: unterminated single quote"},
		{"ambiguous option", map[string]string{"r.txt": "--no\n"}, "r.txt:1: ambiguous option --no"},
		{"bad egg", map[string]string{"r.txt": "-e git+https://x/y.git#egg=a==1\n"}, "r.txt:1: -e git+https://x/y.git#egg=a==1: #egg=a==1 is not a project name"},
		{"# without a space before it is no comment", map[string]string{"r.txt": "foo#bar==1.0\n"}, `r.txt:1: invalid requirement "foo#bar==1.0": unexpected text at column 4`},
		{"hashed and unhashed pins", map[string]string{"r.txt": "a==1 --hash=sha256:aa\n-r more.txt\n", "more.txt": "# added later\nEvil==1.0\n"},
			"more.txt:2: Evil has no --hash, but r.txt:1 has one: once any requirement has a hash, pip checks hashes for all"},
		{"a long line is quoted short", map[string]string{"r.txt": "root:$6$" + strings.Repeat("x", 80) + ":19000:0:99999:7:::\n"},
			`r.txt:1: invalid requirement "root:$6$` + strings.Repeat("x", 52) + `…": unexpected text at column 5`},
		{"bad URL marker", map[string]string{"r.txt": "https://x/p.zip ; os == 'a'\n"}, `r.txt:1: invalid requirement "https://x/p.zip ; os == 'a'": marker`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range tt.files {
				fsys[k] = &fstest.MapFile{Data: []byte(v)}
			}
			_, err := ParseRequirementsFile(fsys, "r.txt")
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q\nwant prefix %q", err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line == 0 {
				t.Errorf("error %v is not a *ParseError with a line", err)
			}
		})
	}

	_, err := ParseRequirementsFile(fstest.MapFS{}, "requirements.txt")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing root file: err = %v, want fs.ErrNotExist", err)
	}
}

func TestLogicalLines(t *testing.T) {
	in := "a \\\n b\\\n\\\nc\n# x \\\nd # y\ne\\\n# z\nf"
	want := []logicalLine{{1, "a  b" + "c"}, {6, "d"}, {7, "e"}, {9, "f"}}
	if diff := cmp.Diff(want, logicalLines(in), cmp.AllowUnexported(logicalLine{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestShellSplit(t *testing.T) {
	tests := map[string][]string{
		`-i "https://x y" --hash=a`: {"-i", "https://x y", "--hash=a"},
		`'a b'c  d\ e`:              {"a bc", "d e"},
		`"a\"b" ''`:                 {`a"b`, ""},
		"":                          nil,
	}
	for in, want := range tests {
		got, err := shellSplit(in)
		if err != nil || !cmp.Equal(got, want) {
			t.Errorf("shellSplit(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestNameFromFilename(t *testing.T) {
	tests := map[string]string{
		"Django-4.2.1-py3-none-any.whl": "Django",
		"requests-2.31.0.tar.gz":        "requests",
		"python-dateutil-2.8.2.tar.gz":  "python-dateutil",
		"zope.interface-6.0.zip":        "zope.interface",
		"nover.tar.gz":                  "",
		"somedir":                       "",
		"psycopg_binary-3.2-cp312.whl":  "psycopg_binary",
		"-1.0.tar.gz":                   "",
	}
	for in, want := range tests {
		if got := nameFromFilename(in); got != want {
			t.Errorf("nameFromFilename(%q) = %q, want %q", in, got, want)
		}
	}
}
