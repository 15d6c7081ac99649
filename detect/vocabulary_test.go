package detect

import (
	"encoding/json"
	"strings"
	"testing"
)

// The vocabularies are named strings: their JSON form is the plain name, as it always was.
func TestVocabularyJSON(t *testing.T) {
	b, err := json.Marshal(Project{PackageManager: ManagerUV, Services: []Service{ServicePostgres, ServiceCeleryBeat}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"package_manager":"uv"`, `"services":["postgres","celery-beat"]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
	if got := strings.Join(Strings(Services), " "); got != "postgres mysql sqlite redis celery-worker celery-beat channels mail" {
		t.Errorf("Services = %s", got)
	}
	if got := strings.Join(Strings(PackageManagers), " "); got != "pipenv poetry uv pdm pip setuptools none" {
		t.Errorf("PackageManagers = %s", got)
	}
}
