package pywheel

import (
	"archive/zip"
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/containerize/containerize/pep"
)

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
		w, err := pep.ParseWheelFilename(file)
		if err != nil {
			t.Fatalf("ParseWheelFilename(%q): %v", file, err)
		}
		if pep.NormalizeName(w.Name) != pep.NormalizeName(tt.name) || w.Version != tt.version || len(w.Tags) != 1 || w.Tags[0].String() != tt.tag {
			t.Errorf("ParseWheelFilename(%q) = %+v", file, w)
		}
	}
	if got := DistInfoDir("zope.interface", "5.5.2"); got != "zope_interface-5.5.2.dist-info" {
		t.Errorf("DistInfoDir = %q", got)
	}
}

func TestMetadata(t *testing.T) {
	in := "Metadata-Version: 1.2\nName: Foo\nVersion: 1.0\nDescription: line one\n        line two\nClassifier: A\nClassifier: B\n\nLong text\nmore\n"
	m := pep.ParseMetadata([]byte(in))
	if got := Values(m.All("Classifier")); !reflect.DeepEqual(got, []string{"A", "B"}) {
		t.Errorf("Values: %q", got)
	}
	if string(MetadataBytes(m)) != in {
		t.Errorf("round trip:\n%s\nwant\n%s", MetadataBytes(m), in)
	}
	SetHeader(&m, "Name", "foo-bar")
	SetHeader(&m, "Classifier", "C")
	SetHeader(&m, "Requires-Python", ">=3.8")
	if m.Get("Name") != "foo-bar" || !reflect.DeepEqual(Values(m.All("Classifier")), []string{"C"}) || m.Get("Requires-Python") != ">=3.8" {
		t.Errorf("SetHeader: %s", MetadataBytes(m))
	}
	want := "Metadata-Version: 1.2\nName: foo-bar\nVersion: 1.0\nDescription: line one\n        line two\nClassifier: C\nRequires-Python: >=3.8\n\nLong text\nmore\n"
	if got := string(MetadataBytes(m)); got != want {
		t.Errorf("MetadataBytes:\n%s\nwant\n%s", got, want)
	}
	if Values(nil) != nil || len(MetadataBytes(pep.Metadata{})) != 0 {
		t.Error("empty metadata")
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
