package manifest

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestTOMLDepthRefusedBeforeDecoding(t *testing.T) {
	deep := "[project]\nname = \"x\"\nx = " + strings.Repeat("{a=", 40) + "1" + strings.Repeat("}", 40) + "\n"
	_, err := ParsePyproject([]byte(deep), "sub/pyproject.toml")
	if err == nil || !strings.Contains(err.Error(), "sub/pyproject.toml:3:") || !strings.Contains(err.Error(), "nested more than 32") {
		t.Fatalf("got %v", err)
	}
	arr := "[packages]\nx = " + strings.Repeat("[", 33) + strings.Repeat("]", 33) + "\n"
	if _, err := ParsePipfile([]byte(arr), "Pipfile"); err == nil || !strings.Contains(err.Error(), "Pipfile:2:") {
		t.Fatalf("got %v", err)
	}
}

func TestTOMLDepthIgnoresStringsAndComments(t *testing.T) {
	b := strings.Repeat("[", 100)
	doc := "[project]\nname = \"x\"\ndescription = \"" + b + "\"\n# " + b + "\nlicense = '" + b + "'\nreadme = \"\"\"\n" + b + "\n\"\"\"\nkeywords = ['''" + b + "''', \"a\\\"[\"]\n" +
		"x = " + strings.Repeat("{a=", 30) + "1" + strings.Repeat("}", 30) + "\n"
	if err := checkTOMLDepth([]byte(doc), "pyproject.toml"); err != nil {
		t.Fatal(err)
	}
	if _, err := decodeTOML([]byte(doc), "pyproject.toml"); err != nil {
		t.Fatal(err)
	}
}

func TestReadFileCapsSize(t *testing.T) {
	fsys := fstest.MapFS{"requirements.txt": {Data: make([]byte, MaxFileSize+1)}, "ok.txt": {Data: []byte("django\n")}}
	if _, err := ReadFile(fsys, "requirements.txt"); err == nil || !strings.Contains(err.Error(), "requirements.txt: larger than 64 MiB") {
		t.Fatalf("got %v", err)
	}
	if d, err := ReadFile(fsys, "ok.txt"); err != nil || string(d) != "django\n" {
		t.Fatalf("got %q %v", d, err)
	}
}
