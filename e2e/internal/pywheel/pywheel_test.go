package pywheel

import (
	"archive/zip"
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"Django":                "django",
		"zope.interface":        "zope-interface",
		"typing_extensions":     "typing-extensions",
		"Foo__Bar--baz..Qux":    "foo-bar-baz-qux",
		" channels-redis ":      "channels-redis",
		"djangorestframework":   "djangorestframework",
		"backports.zoneinfo_x-": "backports-zoneinfo-x-",
	} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWheelFileNames(t *testing.T) {
	tests := []struct {
		name, version, tag, file string
	}{
		{"Django", "3.2.25", "py3-none-any", "django-3.2.25-py3-none-any.whl"},
		{"psycopg2-binary", "2.9.5", "cp311-cp311-linux_x86_64", "psycopg2_binary-2.9.5-cp311-cp311-linux_x86_64.whl"},
		{"zope.interface", "5.5.2", "cp311-cp311-linux_x86_64", "zope_interface-5.5.2-cp311-cp311-linux_x86_64.whl"},
		{"virtualenv", "20.17.1+ds", "py3-none-any", "virtualenv-20.17.1+ds-py3-none-any.whl"},
	}
	for _, tt := range tests {
		file := WheelFileName(tt.name, tt.version, tt.tag)
		if file != tt.file {
			t.Errorf("WheelFileName(%q, %q) = %q, want %q", tt.name, tt.version, file, tt.file)
		}
		w, err := ParseWheelFileName(file)
		if err != nil {
			t.Fatalf("ParseWheelFileName(%q): %v", file, err)
		}
		want := Wheel{Name: NormalizeName(tt.name), Version: tt.version, Tag: tt.tag}
		if w != want {
			t.Errorf("ParseWheelFileName(%q) = %+v, want %+v", file, w, want)
		}
	}
	if w, err := ParseWheelFileName("foo-1.0-2-py3-none-any.whl"); err != nil || w.Build != "2" || w.Tag != "py3-none-any" {
		t.Errorf("build tag: got %+v, %v", w, err)
	}
	for _, bad := range []string{"foo-1.0.tar.gz", "foo-py3-none-any.whl", "foo--py3-none-any.whl", "a-b-c-d-e-f-g.whl"} {
		if _, err := ParseWheelFileName(bad); err == nil {
			t.Errorf("ParseWheelFileName(%q) accepted a bad name", bad)
		}
	}
	if got := DistInfoDir("zope.interface", "5.5.2"); got != "zope_interface-5.5.2.dist-info" {
		t.Errorf("DistInfoDir = %q", got)
	}
}

func TestMetadata(t *testing.T) {
	in := "Metadata-Version: 1.2\nName: Foo\nVersion: 1.0\nDescription: line one\n        line two\nClassifier: A\nClassifier: B\n\nLong text\nmore\n"
	m := ParseMetadata([]byte(in))
	if m.Get("name") != "Foo" || m.Get("Version") != "1.0" {
		t.Errorf("Get: name %q version %q", m.Get("name"), m.Get("Version"))
	}
	if got := m.Get("Description"); got != "line one\n        line two" {
		t.Errorf("continuation: %q", got)
	}
	if got := m.All("Classifier"); !reflect.DeepEqual(got, []string{"A", "B"}) {
		t.Errorf("All: %q", got)
	}
	if m.Body != "Long text\nmore\n" {
		t.Errorf("Body: %q", m.Body)
	}
	if string(m.Bytes()) != in {
		t.Errorf("round trip:\n%s\nwant\n%s", m.Bytes(), in)
	}
	m.Set("Name", "foo-bar")
	m.Set("Classifier", "C")
	m.Set("Requires-Python", ">=3.8")
	if m.Get("Name") != "foo-bar" || !reflect.DeepEqual(m.All("Classifier"), []string{"C"}) || m.Get("Requires-Python") != ">=3.8" {
		t.Errorf("Set: %s", m.Bytes())
	}
}

func TestHashes(t *testing.T) {
	// sha256("") in both encodings.
	if got := RecordHash(nil); got != "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" {
		t.Errorf("RecordHash = %s", got)
	}
	if got := HexSHA256(nil); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("HexSHA256 = %s", got)
	}
	got, err := HexSHA256Reader(strings.NewReader(""))
	if err != nil || got != HexSHA256(nil) {
		t.Errorf("HexSHA256Reader = %s, %v", got, err)
	}
}

func TestReadWheelMetadata(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range map[string]string{"foo/__init__.py": "", "foo-1.0.dist-info/METADATA": "Name: foo\n"} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	md, err := ReadWheelMetadata(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil || string(md) != "Name: foo\n" {
		t.Errorf("ReadWheelMetadata = %q, %v", md, err)
	}
	if _, err := ReadWheelMetadata(bytes.NewReader([]byte("not a zip")), 9); err == nil {
		t.Error("ReadWheelMetadata accepted garbage")
	}
}

func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in   string
		want Requirement
	}{
		{"Django", Requirement{Name: "django"}},
		{"asgiref (<4,>=3.3.2)", Requirement{Name: "asgiref", Specifier: "<4,>=3.3.2"}},
		{"kombu[sqs]>=5.2; extra == 'sqs'", Requirement{Name: "kombu", Extras: []string{"sqs"}, Specifier: ">=5.2", Marker: "extra == 'sqs'"}},
		{"importlib-metadata (>=4.8.3) ; python_version < \"3.8\"", Requirement{Name: "importlib-metadata", Specifier: ">=4.8.3", Marker: `python_version < "3.8"`}},
		{"Twisted[tls,http2]>=22.4", Requirement{Name: "twisted", Extras: []string{"tls", "http2"}, Specifier: ">=22.4"}},
	}
	for _, tt := range tests {
		got, err := ParseRequirement(tt.in)
		if err != nil {
			t.Errorf("ParseRequirement(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseRequirement(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"", "-foo", "foo @ https://example.invalid/foo.whl"} {
		if _, err := ParseRequirement(bad); err == nil {
			t.Errorf("ParseRequirement(%q) accepted it", bad)
		}
	}
}

func TestSatisfies(t *testing.T) {
	tests := []struct {
		version, spec string
		want          bool
	}{
		{"3.2.25", "~=3.2.0", true},
		{"3.14.0", "~=3.11.0", false},
		{"3.14.0", "~=3.14.0", true},
		{"4.3.4", "!=4.0.0,!=4.0.1,>=3.4.1", true},
		{"20.17.1+ds", ">=20.4", true},
		{"1.0", "", true},
		{"1.0", "*", true},
		{"2.0", "<2", false},
	}
	for _, tt := range tests {
		got, err := Satisfies(tt.version, tt.spec)
		if err != nil || got != tt.want {
			t.Errorf("Satisfies(%q, %q) = %v, %v; want %v", tt.version, tt.spec, got, err, tt.want)
		}
	}
	if _, err := Satisfies("1.0", ">>1"); err == nil {
		t.Error("Satisfies accepted a bad specifier")
	}
}

func TestEvalMarker(t *testing.T) {
	env := Linux311("3.11.2")
	withExtra := Linux311("3.11.2")
	withExtra["extra"] = "redis"
	tests := []struct {
		marker string
		env    MarkerEnv
		want   bool
	}{
		{"", env, true},
		{`python_version < "3.8"`, env, false},
		{`python_version >= "3.8"`, env, true},
		{`python_full_version >= '3.11.1' and sys_platform == "linux"`, env, true},
		{`sys_platform == "win32" or platform_system == "Linux"`, env, true},
		{`(platform_python_implementation != "PyPy" and (platform_system != "Windows" or python_version < "3.10")) and extra == "couchbase"`, withExtra, false},
		{`extra == "redis"`, withExtra, true},
		{`extra == "Redis"`, withExtra, true},
		{`extra == "redis"`, env, false},
		{`"linux" in sys_platform`, env, true},
		{`"win" not in sys_platform`, env, true},
		{`python_version ~= "3.10"`, env, true},
		{`platform_machine != "aarch64"`, env, true},
	}
	for _, tt := range tests {
		got, err := EvalMarker(tt.marker, tt.env)
		if err != nil || got != tt.want {
			t.Errorf("EvalMarker(%q) = %v, %v; want %v", tt.marker, got, err, tt.want)
		}
	}
	for _, bad := range []string{`python_version <`, `(python_version < "3.8"`, `foo == "1"`, `python_version ?? "3"`, `os_name < "posix"`} {
		if _, err := EvalMarker(bad, env); err == nil {
			t.Errorf("EvalMarker(%q) accepted it", bad)
		}
	}
}
