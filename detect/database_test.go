package detect

import (
	"testing"
	"testing/fstest"
)

func TestDeployedDatabase(t *testing.T) {
	manage := &fstest.MapFile{Data: []byte("import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n")}
	tests := []struct {
		name     string
		settings string
		files    map[string]string
		want     string
	}{
		{"env example sets the URL", `DATABASES = {"default": env.db("DATABASE_URL")}`,
			map[string]string{".env.sample": "# sample\nexport DATABASE_URL='mysql://u:p@db/app'\n"}, "mysql"},
		{"compose list environment beats the image", `DATABASES = {"default": dj_database_url.config(default="postgres://x/y")}`,
			map[string]string{"compose.yaml": "services:\n  web:\n    environment:\n      - DATABASE_URL=sqlite:////data/db.sqlite3\n  db:\n    image: docker.io/library/postgres:16\n"}, "sqlite"},
		{"mariadb image", `DATABASES = {"default": {"ENGINE": os.environ.get("DB_ENGINE", "django.db.backends.sqlite3")}}`,
			map[string]string{"docker-compose.yml": "services:\n  db:\n    image: mariadb:11\n"}, "mysql"},
		{"engine variable set in an env file", `DATABASES = {"default": {"ENGINE": os.environ.get("SQL_ENGINE", "django.db.backends.sqlite3")}}`,
			map[string]string{".env.dev": "SQL_ENGINE=django.db.backends.postgresql\n"}, "postgres"},
		{"a literal engine is not replaced", `DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DB_NAME"]}}`,
			map[string]string{"docker-compose.yml": "services:\n  db:\n    image: postgres:16\n"}, "sqlite"},
		{"containerize's own compose is no evidence", `DATABASES = {"default": dj_database_url.config(default="sqlite:///db.sqlite3")}`,
			map[string]string{"docker-compose.yml": "# written by containerize\nservices:\n  db:\n    image: postgres:16\n"}, "sqlite"},
		{"this checkout's .env and the installed driver", `DATABASES = {"default": dj_database_url.config(default="sqlite:///db.sqlite3")}`,
			map[string]string{".env": "DEBUG=1\nDATABASE_URL=postgres://u:p@localhost:5432/app\n"}, "postgres"},
		{"this checkout's .env without the driver", `DATABASES = {"default": dj_database_url.config(default="sqlite:///db.sqlite3")}`,
			map[string]string{".env": "DATABASE_URL=mysql://u:p@localhost/app\n"}, "sqlite"},
		{"the driver alone decides nothing", `DATABASES = {"default": dj_database_url.config(default="sqlite:///db.sqlite3")}`,
			map[string]string{}, "sqlite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"manage.py":        manage,
				"proj/__init__.py": &fstest.MapFile{},
				"proj/settings.py": &fstest.MapFile{Data: []byte("import os\n" + tt.settings + "\n")},
				"requirements.txt": &fstest.MapFile{Data: []byte("django\npsycopg2-binary\n")},
			}
			for name, body := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(body)}
			}
			p, err := Detect(fsys, ".")
			if err != nil {
				t.Fatal(err)
			}
			if p.Django == nil || p.Django.Database != tt.want {
				t.Fatalf("database = %+v, want %s", p.Django, tt.want)
			}
			if tt.want != "postgres" && len(p.Services) > 0 && p.Services[0] == ServicePostgres {
				t.Errorf("services = %v: the unused driver added postgres", p.Services)
			}
		})
	}
}
