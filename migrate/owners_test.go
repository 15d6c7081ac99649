package migrate

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/containerize/containerize/venv"
)

func TestModuleOwners(t *testing.T) {
	dists := []venv.Dist{
		{Name: "pyyaml", TopLevel: []string{"_yaml", "yaml"}},
		{Name: "pillow"}, // files unknown: the table and its name speak for it
		{Name: "protobuf", TopLevel: []string{"google"}},
		{Name: "google-auth", TopLevel: []string{"google"}},
		{Name: "psycopg2-binary", TopLevel: []string{"psycopg2"}},
		{Name: "typing-extensions"},
	}
	got := ModuleOwners(dists)
	want := map[string][]string{
		"_yaml":             {"pyyaml"},
		"yaml":              {"pyyaml"},
		"PIL":               {"pillow"},
		"pillow":            {"pillow"},
		"google":            {"google-auth", "protobuf"},
		"google.protobuf":   {"protobuf"},
		"google.auth":       {"google-auth"},
		"google.oauth2":     {"google-auth"},
		"psycopg2":          {"psycopg2-binary"},
		"typing_extensions": {"typing-extensions"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ModuleOwners (-want +got):\n%s", diff)
	}
}

// TestProvided covers the table of module names that differ from their
// distribution's.
func TestProvided(t *testing.T) {
	installed := ModuleOwners([]venv.Dist{
		{Name: "google-auth", TopLevel: []string{"google"}},
		{Name: "pyyaml", TopLevel: []string{"yaml"}},
	})
	for _, tc := range []struct {
		module   string
		declared []string
		want     bool
	}{
		{"yaml", nil, true},
		{"google.protobuf", nil, false}, // google-auth's "google" is not protobuf
		{"google.protobuf", []string{"protobuf"}, true},
		{"google.cloud", nil, true}, // unknown to the table: the shared root answers
		{"psycopg2", []string{"psycopg2-binary"}, true},
		{"psycopg2", []string{"psycopg"}, false},
		{"dateutil", []string{"python-dateutil"}, true},
		{"MySQLdb", []string{"mysqlclient"}, true},
		{"rest_framework", []string{"djangorestframework"}, true},
		{"sklearn", []string{"scikit-learn"}, true},
		{"typing_extensions", []string{"typing-extensions"}, true},
		{"requests", []string{"requests"}, true},
		{"bs4", []string{"requests"}, false},
		{"jwt", nil, false},
	} {
		declared := map[string]bool{}
		for _, d := range tc.declared {
			declared[d] = true
		}
		if got := provided(tc.module, installed, declared); got != tc.want {
			t.Errorf("provided(%q, declared %v) = %v, want %v", tc.module, tc.declared, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	for module, want := range map[string]string{
		"yaml": "PyYAML", "PIL": "Pillow", "rest_framework": "djangorestframework", "MySQLdb": "mysqlclient",
		"psycopg2": "psycopg2", "dateutil": "python-dateutil", "bs4": "beautifulsoup4", "sklearn": "scikit-learn",
		"cv2": "opencv-python", "jwt": "PyJWT", "dotenv": "python-dotenv", "magic": "python-magic",
		"OpenSSL": "pyOpenSSL", "Crypto": "pycryptodome", "google.protobuf": "protobuf", "attr": "attrs",
		"pkg_resources": "setuptools", "requests": "",
	} {
		if got := suggest(module); got != want {
			t.Errorf("suggest(%q) = %q, want %q", module, got, want)
		}
	}
}
