package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/containerize/containerize/detect"
)

// valid is a complete file; tests replace lines of it.
const valid = `python = "3.11"
port = 8000
server = "gunicorn"
services = ["redis", "postgres"]
settings_patch = true
`

func TestParseValid(t *testing.T) {
	got, err := Parse([]byte(valid), FileName)
	if err != nil {
		t.Fatal(err)
	}
	// A file written before names were saved has neither name nor keep; both are optional.
	want := &Config{Python: "3.11", Port: 8000, Server: "gunicorn", Services: []detect.Service{"postgres", "redis"}, SettingsPatch: true, Keep: []string{}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse = %#v, want %#v", got, want)
	}
	got, err = Parse([]byte("name = \"my-site\"\n"+valid+"keep = [\"Dockerfile\"]\n"), FileName)
	if err != nil {
		t.Fatal(err)
	}
	want.Name, want.Keep = "my-site", []string{"Dockerfile"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse = %#v, want %#v", got, want)
	}
	// settings is optional too (files written before it existed); given, it is kept.
	got, err = Parse([]byte(valid+"settings = \"proj.settings.prod\"\n"), FileName)
	if err != nil {
		t.Fatal(err)
	}
	if got.Settings != "proj.settings.prod" {
		t.Errorf("Settings = %q, want proj.settings.prod", got.Settings)
	}
	if line := KeyLine([]byte(valid+"settings = \"proj.settings.prod\"\n"), "settings"); line != 6 {
		t.Errorf("KeyLine(settings) = %d, want 6", line)
	}
}

func TestParseEmptyServices(t *testing.T) {
	got, err := Parse([]byte(strings.Replace(valid, `["redis", "postgres"]`, "[]", 1)), FileName)
	if err != nil {
		t.Fatal(err)
	}
	if got.Services == nil || len(got.Services) != 0 {
		t.Errorf("Services = %#v, want an empty, non-nil list", got.Services)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string // the whole error text
	}{
		{
			name: "unknown key",
			doc:  "python = \"3.11\"\nport = 8000\nportt = 8001\n",
			want: `containerize.toml:3: unknown key "portt": remove it or fix the spelling (known keys: name, python, port, server, services, settings, settings_patch, keep)`,
		},
		{
			name: "unknown table",
			doc:  valid + "[docker]\nimage = \"x\"\n",
			want: `containerize.toml:6: unknown key "docker": remove it or fix the spelling (known keys: name, python, port, server, services, settings, settings_patch, keep)`,
		},
		{
			name: "two unknown keys",
			doc:  "a = 1\n" + valid + "b = 2\n",
			want: "containerize.toml:1: unknown key \"a\": remove it or fix the spelling (known keys: name, python, port, server, services, settings, settings_patch, keep)\n" +
				"containerize.toml:7: unknown key \"b\": remove it or fix the spelling (known keys: name, python, port, server, services, settings, settings_patch, keep)",
		},
		{
			name: "port is a string",
			doc:  strings.Replace(valid, "port = 8000", `port = "abc"`, 1),
			want: `containerize.toml:2: port must be a number, got "abc"`,
		},
		{
			name: "python is a float",
			doc:  strings.Replace(valid, `python = "3.11"`, `python = 3.11`, 1),
			want: `containerize.toml:1: python must be a quoted version like "3.12", got 3.11`,
		},
		{
			name: "server is a number",
			doc:  strings.Replace(valid, `server = "gunicorn"`, `server = 1`, 1),
			want: `containerize.toml:3: server must be a quoted name like "gunicorn", got 1`,
		},
		{
			name: "services is a string",
			doc:  strings.Replace(valid, `["redis", "postgres"]`, `"redis"`, 1),
			want: `containerize.toml:4: services must be a list of quoted names like ["postgres", "redis"], got "redis"`,
		},
		{
			name: "services holds a number",
			doc:  strings.Replace(valid, `["redis", "postgres"]`, `["redis", 5]`, 1),
			want: `containerize.toml:4: services must be a list of quoted names like ["postgres", "redis"], got ["redis", 5]`,
		},
		{
			name: "services as a dotted key",
			doc:  "services.redis = true\n",
			want: `containerize.toml:1: services must be a list of quoted names like ["postgres", "redis"], got a table`,
		},
		{
			name: "settings_patch is a string",
			doc:  strings.Replace(valid, "settings_patch = true", `settings_patch = "yes" # sure`, 1),
			want: `containerize.toml:5: settings_patch must be true or false, got "yes"`,
		},
		{
			name: "syntax error",
			doc:  "python = \"3.11\"\nport = \n",
			want: `containerize.toml:2:8: unexpected character U+000A at start of value: fix the file or delete it to be asked again`,
		},
		{
			name: "duplicate key",
			doc:  valid + "port = 9000\n",
			want: `containerize.toml:6:1: key port is already defined: fix the file or delete it to be asked again`,
		},
		{
			name: "missing key",
			doc:  strings.Replace(valid, "port = 8000\n", "", 1),
			want: `containerize.toml: missing key "port": add it or delete the file to be asked again`,
		},
		{
			name: "empty file",
			doc:  "# nothing\n",
			want: `containerize.toml: missing keys "python", "port", "server", "services", "settings_patch": add them or delete the file to be asked again`,
		},
		{
			name: "unsupported python",
			doc:  strings.Replace(valid, `"3.11"`, `"3.9"`, 1),
			want: `containerize.toml:1: python 3.9 is not supported: choose one of 3.10, 3.11, 3.12, 3.13, 3.14`,
		},
		{
			name: "patch-level python",
			doc:  strings.Replace(valid, `"3.11"`, `"3.11.4"`, 1),
			want: `containerize.toml:1: python must be a minor version like "3.12", got "3.11.4"`,
		},
		{
			name: "port out of range and unknown server",
			doc:  strings.Replace(strings.Replace(valid, "8000", "70000", 1), `"gunicorn"`, `"waitress"`, 1),
			want: "containerize.toml:2: port must be between 1 and 65535, got 70000\n" +
				`containerize.toml:3: server must be one of gunicorn, uvicorn, daphne, got "waitress"`,
		},
		{
			name: "settings not a module",
			doc:  valid + "settings = \"proj/settings.py\"\n",
			want: `containerize.toml:6: settings must be a dotted Python module like "config.settings.production", got "proj/settings.py"`,
		},
		{
			name: "settings not a string",
			doc:  valid + "settings = 3\n",
			want: `containerize.toml:6: settings must be a quoted module like "config.settings.production", got 3`,
		},
		{
			name: "celery without redis",
			doc:  strings.Replace(valid, `["redis", "postgres"]`, `["celery-worker"]`, 1),
			want: `containerize.toml:4: services: celery-worker needs redis, the broker the generated setup provides: add redis`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.doc), FileName)
			if err == nil {
				t.Fatalf("Parse succeeded with %#v, want error %q", c, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := Config{Name: "library", Python: "3.12", Port: 8000, Server: "gunicorn", Services: []detect.Service{}}
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // "" for valid
	}{
		{"valid", func(c *Config) {}, ""},
		{"all the celery", func(c *Config) {
			c.Services = []detect.Service{"mail", "celery-beat", "redis", "celery-worker", "mysql"}
		}, ""},
		{"empty name", func(c *Config) { c.Name = "" }, "name is empty: the project needs a name"},
		{"name", func(c *Config) { c.Name = "My Site" }, `name must be lower-case letters, digits, '-' and '_', starting with a letter or digit (like "my-site"), got "My Site"`},
		{"keep", func(c *Config) { c.Keep = []string{"../x", "Dockerfile", "Dockerfile"} },
			"keep: \"../x\" is not a clean slash path inside the project, like \"Dockerfile\" or \"docker/compose.yaml\"\n" +
				`keep: "Dockerfile" is listed twice: remove one`},
		{"empty python", func(c *Config) { c.Python = "" }, `python must be a minor version like "3.12", got ""`},
		{"old python", func(c *Config) { c.Python = "2.7" }, "python 2.7 is not supported: choose one of 3.10, 3.11, 3.12, 3.13, 3.14"},
		{"port zero", func(c *Config) { c.Port = 0 }, "port must be between 1 and 65535, got 0"},
		{"port 65536", func(c *Config) { c.Port = 65536 }, "port must be between 1 and 65535, got 65536"},
		{"port 65535", func(c *Config) { c.Port = 65535 }, ""},
		{"server", func(c *Config) { c.Server = "Gunicorn" }, `server must be one of gunicorn, uvicorn, daphne, got "Gunicorn"`},
		{"unknown service", func(c *Config) { c.Services = []detect.Service{"rabbitmq"} }, `services: unknown service "rabbitmq": use postgres, mysql, redis, celery-worker, celery-beat, mail`},
		{"sqlite", func(c *Config) { c.Services = []detect.Service{"sqlite"} }, "services: sqlite needs no container of its own: leave it out"},
		{"duplicate", func(c *Config) { c.Services = []detect.Service{"redis", "redis"} }, `services: "redis" is listed twice: remove one`},
		{"two databases", func(c *Config) { c.Services = []detect.Service{"postgres", "mysql"} }, "services: choose postgres or mysql, not both"},
		{"beat alone", func(c *Config) { c.Services = []detect.Service{"redis", "celery-beat"} }, "services: celery-beat needs celery-worker to run the tasks it schedules: add celery-worker"},
		{"beat without anything", func(c *Config) { c.Services = []detect.Service{"celery-beat"} },
			"services: celery-beat needs redis, the broker the generated setup provides: add redis\n" +
				"services: celery-beat needs celery-worker to run the tasks it schedules: add celery-worker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("Validate() = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestMarshal(t *testing.T) {
	c := &Config{Name: "library", Python: "3.12", Port: 8080, Server: "uvicorn", Services: []detect.Service{"redis", "mail", "postgres"}, Settings: "library.settings.prod", SettingsPatch: false, Keep: []string{"Dockerfile"}}
	want := `# containerize.toml: the answers containerize init used. Edit a value or delete the file to be asked again.

# The image, compose project and default database name (the same in every clone)
name = "library"
# Python minor version of the base image: 3.10, 3.11, 3.12, 3.13, 3.14
python = "3.12"
# Port the web server listens on, in the container and on the host
port = 8080
# Web server: gunicorn (WSGI), uvicorn or daphne (ASGI)
server = "uvicorn"
# Compose services next to web, any of: postgres, mysql, redis, celery-worker, celery-beat, mail
services = ["postgres", "redis", "mail"]
# The Django settings module the image runs (DJANGO_SETTINGS_MODULE); containerize detect lists the candidates
settings = "library.settings.prod"
# Append the block that reads DATABASE_URL, SECRET_KEY, DEBUG and ALLOWED_HOSTS from the environment to the settings
settings_patch = false
# Generated files you edit by hand, which containerize init leaves alone, e.g. ["Dockerfile"]
keep = ["Dockerfile"]
`
	if got := string(Marshal(c)); got != want {
		t.Errorf("Marshal:\n%s\nwant:\n%s", got, want)
	}
	if !reflect.DeepEqual(c.Services, []detect.Service{"redis", "mail", "postgres"}) {
		t.Errorf("Marshal changed its input: %v", c.Services)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	var configs []*Config
	for i, py := range Python.Supported {
		for j, server := range Servers {
			configs = append(configs, &Config{
				Name:          []string{"library", "my-site_2"}[j%2],
				Python:        py,
				Port:          1 + i*1000 + j,
				Server:        server,
				Services:      [][]detect.Service{{}, {"postgres"}, {"mysql", "redis", "celery-worker", "celery-beat", "mail"}}[j],
				Settings:      []string{"", "config.settings", "proj.settings.production"}[j],
				SettingsPatch: i%2 == 0,
				Keep:          [][]string{{}, {"Dockerfile"}, {"docker/compose.yaml", ".dockerignore"}}[j],
			})
		}
	}
	for _, c := range configs {
		data := Marshal(c)
		got, err := Parse(data, FileName)
		if err != nil {
			t.Fatalf("Parse(Marshal(%#v)): %v\n%s", c, err, data)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("round trip: got %#v, want %#v", got, c)
		}
	}
}

func TestQuote(t *testing.T) {
	tests := map[string]string{
		"3.12":       `"3.12"`,
		`a"b\c`:      `"a\"b\\c"`,
		"tab\there":  `"tab\u0009here"`,
		"del\x7f":    `"del\u007F"`,
		"bad\xffutf": "\"bad\uFFFDutf\"",
		"héllo":      `"héllo"`,
	}
	for in, want := range tests {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestChecks(t *testing.T) {
	// The per-value checks are what flags are validated with; their messages must not
	// repeat the key for services (the caller names the flag).
	if err := CheckServices([]detect.Service{"celery-worker"}); err == nil || err.Error() != "celery-worker needs redis, the broker the generated setup provides: add redis" {
		t.Errorf("CheckServices = %v", err)
	}
	if err := CheckServices(nil); err != nil {
		t.Errorf("CheckServices(nil) = %v, want nil (no services is valid)", err)
	}
	if err := CheckPort(1); err != nil {
		t.Errorf("CheckPort(1) = %v", err)
	}
	if err := Python.Check("3.10"); err != nil {
		t.Errorf("Python.Check(3.10) = %v", err)
	}
	if err := CheckServer("daphne"); err != nil {
		t.Errorf("CheckServer(daphne) = %v", err)
	}
}

func TestOrderServices(t *testing.T) {
	got := OrderServices([]detect.Service{"zz", "mail", "redis", "postgres", "aa", "redis"})
	want := []detect.Service{"postgres", "redis", "redis", "mail", "zz", "aa"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("OrderServices = %v, want %v", got, want)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add(Marshal(&Config{Python: "3.14", Port: 1, Server: "daphne", Services: []detect.Service{"mail"}}))
	f.Add([]byte("python = 3.11\nport = \"abc\"\n"))
	f.Add([]byte("[services]\nx = 1\n"))
	f.Add([]byte("services.x.y = [1, [2], {a = 1}]\n"))
	f.Add([]byte("port = 99999999999999999999\n"))
	f.Add([]byte("python = \"3.11\"\npython = \"3.12\"\n"))
	f.Add([]byte("[[a]]\nb = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, FileName)
		if err != nil {
			if c != nil {
				t.Fatalf("Parse returned both a config and an error: %v", err)
			}
			if !strings.HasPrefix(err.Error(), FileName) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if c.Name == "" {
			c.Name = "app" // files from before names were saved have none; the wizard supplies it
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse accepted an invalid config: %v", err)
		}
		out := Marshal(c)
		again, err := Parse(out, FileName)
		if err != nil {
			t.Fatalf("Parse(Marshal(c)) failed: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(again, c) {
			t.Fatalf("round trip changed the config: %#v -> %#v", c, again)
		}
	})
}
