package detect_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerize/containerize/detect"
)

const testManage = "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n"

// detectFiles runs detection on a project of manage.py, proj/settings.py and files.
func detectFiles(t *testing.T, settings string, files map[string]string) *detect.Project {
	t.Helper()
	fsys := fstest.MapFS{
		"manage.py":        {Data: []byte(testManage)},
		"proj/__init__.py": {Data: nil},
		"proj/settings.py": {Data: []byte(settings)},
	}
	for k, v := range files {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	p, err := detect.Detect(fsys, "p")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCeleryAppOutsideCeleryPy(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		app   string
		src   string
	}{
		{"module in a package", map[string]string{"proj/tasks/__init__.py": "", "proj/tasks/app.py": "from celery import Celery\n\nq = Celery('proj')\n"}, "proj.tasks.app", "proj/tasks/app.py:3"},
		{"celery.py in another package", map[string]string{"worker/__init__.py": "", "worker/celery.py": "import celery\napp = celery.Celery()\n"}, "worker", "worker/celery.py:2"},
		{"a package's __init__", map[string]string{"ops/__init__.py": "", "ops/celery/__init__.py": "from celery import Celery\n\napp = Celery('ops')\n"}, "ops.celery", "ops/celery/__init__.py:3"},
		{"module at the root", map[string]string{"tasks.py": "from celery import Celery\napp = Celery()\n"}, "tasks", "tasks.py:2"},
		{"tests are not the app", map[string]string{"proj/tests/test_app.py": "from celery import Celery\napp = Celery()\n"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.files["requirements.txt"] = "django\ncelery[redis]\n"
			p := detectFiles(t, "INSTALLED_APPS = []\n", tc.files)
			if p.Django.CeleryApp != tc.app || p.Django.CeleryAppSource != tc.src {
				t.Errorf("celery app %q (%s), want %q (%s)", p.Django.CeleryApp, p.Django.CeleryAppSource, tc.app, tc.src)
			}
		})
	}
}

func TestBrokerWithoutClient(t *testing.T) {
	settings := "INSTALLED_APPS = []\nCELERY_BROKER_URL = 'redis://localhost:6379/0'\n"
	for _, tc := range []struct {
		reqs string
		warn bool
	}{{"django\ncelery\n", true}, {"django\ncelery[redis]\n", false}, {"django\ncelery\nredis\n", false}} {
		p := detectFiles(t, settings, map[string]string{"requirements.txt": tc.reqs})
		got := slices.ContainsFunc(p.Warnings, func(f detect.Finding) bool {
			return f.Name == "broker-client-missing" && f.Source == "proj/settings.py:2"
		})
		if got != tc.warn {
			t.Errorf("%q: broker warning %v, want %v (%v)", tc.reqs, got, tc.warn, p.Warnings)
		}
	}
}

func TestProcessesFromSettingsAndFiles(t *testing.T) {
	settings := "INSTALLED_APPS = ['django_q', 'huey.contrib.djhuey', 'django_dramatiq']\nRQ_QUEUES = {'high': {}, 'low': {}}\n"
	p := detectFiles(t, settings, map[string]string{
		"requirements.txt":        "django\ndjango-rq\n",
		"Procfile":                "release: ./release.sh && python manage.py migrate\nweb: gunicorn proj.wsgi -w 3\nworker: celery -A proj worker\nrq: python manage.py rqworker high low\nmailer: python manage.py send_mail_loop --every 5\n",
		"deploy/supervisord.conf": "[supervisord]\nnodaemon=true\n[program:feeds]\ncommand=/srv/venv/bin/python manage.py poll_feeds\n[program:nginx]\ncommand=nginx -g 'daemon off;'\n",
		"compose.yaml":            "services:\n  thumbs:\n    command: python manage.py make_thumbnails\n  cache:\n    image: redis\n    command: redis-server --save 60 1\n  migrate:\n    command: python manage.py migrate\n",
	})
	var got []string
	for _, pr := range p.Processes {
		got = append(got, string(pr.Kind)+" "+pr.Name+": "+strings.Join(pr.Command, " ")+" @"+pr.Source)
	}
	want := []string{
		"worker rqworker: python manage.py rqworker high low @proj/settings.py:2",
		"worker qcluster: python manage.py qcluster @proj/settings.py:1",
		"worker huey: python manage.py run_huey @proj/settings.py:1",
		"worker dramatiq: python manage.py rundramatiq @proj/settings.py:1",
		"release release: sh -c ./release.sh && python manage.py migrate @Procfile:1",
		"web web: gunicorn proj.wsgi -w 3 @Procfile:2",
		"worker mailer: python manage.py send_mail_loop --every 5 @Procfile:5",
		"worker feeds: python manage.py poll_feeds @deploy/supervisord.conf:4",
		"worker thumbs: python manage.py make_thumbnails @compose.yaml:3",
	}
	if !slices.Equal(got, want) {
		t.Errorf("processes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !p.HasService(detect.ServiceRedis) {
		t.Errorf("django-rq needs redis: services %v", p.Services)
	}
}

func TestSystemPackagesBuildOnlyInBuild(t *testing.T) {
	p := detectFiles(t, "INSTALLED_APPS = []\n", map[string]string{"requirements.txt": "django\nuwsgi\npython-magic\npytesseract\npdfkit\n"})
	sp := p.SystemPackages
	if !slices.Equal(sp.Build, []string{"build-essential", "libpcre2-dev"}) || !slices.Equal(sp.Runtime, []string{"libmagic1", "libpcre2-8-0", "tesseract-ocr"}) {
		t.Errorf("build %v, runtime %v", sp.Build, sp.Runtime)
	}
	if !slices.ContainsFunc(p.Warnings, func(f detect.Finding) bool {
		return f.Name == "system-package-missing" && f.Source == "requirements.txt:5"
	}) {
		t.Errorf("no wkhtmltopdf warning: %v", p.Warnings)
	}
}

func TestFrontendOutput(t *testing.T) {
	for _, tc := range []struct {
		name             string
		files            map[string]string
		dir, out, src    string
		manager, watch   string
		node, nodeSource string
	}{
		{"esbuild flag", map[string]string{"package.json": `{"scripts": {"build": "esbuild src/app.js --bundle --outdir=static/js", "watch": "esbuild --watch"}}`},
			".", "static/js", "package.json:1", "npm", "watch", "", ""},
		{"tailwind output file", map[string]string{"theme/package.json": "{\n \"scripts\": {\n  \"build\": \"tailwindcss -i in.css -o ../proj/static/css/site.css --minify\"\n },\n \"engines\": {\"node\": \"20.11.1\"}\n}", "theme/yarn.lock": ""},
			"theme", "proj/static/css", "theme/package.json:3", "yarn", "", "20", "theme/package.json"},
		{"webpack config", map[string]string{"package.json": `{"scripts": {"build": "webpack --mode production"}}`, "pnpm-lock.yaml": "", ".node-version": "v18.19.0\n",
			"webpack.config.js": "module.exports = {\n  entry: './src',\n  output: {\n    filename: '[name].js',\n    path: path.resolve(__dirname, 'assets/bundles'),\n  },\n};\n"},
			".", "assets/bundles", "webpack.config.js:5", "pnpm", "", "18", ".node-version:1"},
		{"no known tool", map[string]string{"package.json": `{"scripts": {"build": "node build.js"}}`}, "", "", "", "", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := detectFiles(t, "INSTALLED_APPS = []\n", tc.files)
			fe := p.Frontend
			if tc.dir == "" {
				if fe != nil {
					t.Fatalf("frontend %+v, want none", fe)
				}
				return
			}
			if fe == nil || fe.Dir != tc.dir || fe.Output != tc.out || fe.OutputSource != tc.src || fe.Manager != tc.manager || fe.Watch != tc.watch || fe.Node != tc.node || fe.NodeSource != tc.nodeSource {
				t.Errorf("frontend %+v", fe)
			}
		})
	}
}

// TestOwnComposeFileIsNotASource: the compose file init wrote lists the workers the other
// sources gave, wrapped in the start check; read again it would wrap them twice.
func TestOwnComposeFileIsNotASource(t *testing.T) {
	p := detectFiles(t, "INSTALLED_APPS = []\n", map[string]string{
		"requirements.txt":   "django\n",
		"docker-compose.yml": "# Compose file for app, written by containerize: the production setup.\nservices:\n  poll:\n    command: [\"sh\", \"-c\", \"check\", \"start\", \"python\", \"manage.py\", \"poll\"]\n",
		"compose.local.yaml": "services:\n  poll:\n    command: python manage.py poll\n",
	})
	if len(p.Processes) != 1 || p.Processes[0].Source != "compose.local.yaml:3" || strings.Join(p.Processes[0].Command, " ") != "python manage.py poll" {
		t.Errorf("processes %+v", p.Processes)
	}
}

// TestCeleryAppFromProcfile: when no file creates Celery(…) where it can be found, the
// worker command the project runs names the app.
func TestCeleryAppFromProcfile(t *testing.T) {
	p := detectFiles(t, "INSTALLED_APPS = []\n", map[string]string{
		"requirements.txt": "django\ncelery\n",
		"Procfile":         "web: gunicorn proj.wsgi\nworker: celery -A proj.taskapp worker -l info\n",
	})
	if p.Django.CeleryApp != "proj.taskapp" || p.Django.CeleryAppSource != "Procfile:2" || !p.HasService(detect.ServiceCeleryWorker) {
		t.Errorf("celery app %q (%s), services %v", p.Django.CeleryApp, p.Django.CeleryAppSource, p.Services)
	}
	if slices.ContainsFunc(p.Processes, func(pr detect.Process) bool { return pr.Name == "worker" }) {
		t.Errorf("the celery worker is the celery service's, not a process: %+v", p.Processes)
	}
}

func TestFrontendOutputNotInStaticfilesDirs(t *testing.T) {
	files := map[string]string{"package.json": `{"scripts": {"build": "esbuild app.js --outdir=build/js"}}`}
	for _, tc := range []struct {
		settings string
		warn     bool
	}{
		{"INSTALLED_APPS = []\nSTATICFILES_DIRS = [BASE_DIR / 'build' / 'js']\n", false},
		{"INSTALLED_APPS = []\nSTATICFILES_DIRS = [('bundles', os.path.join(BASE_DIR, 'build/js'))]\n", false},
		{"INSTALLED_APPS = []\nSTATICFILES_DIRS = [BASE_DIR / 'static']\n", true},
		{"INSTALLED_APPS = []\n", false},
	} {
		p := detectFiles(t, "import os\nBASE_DIR = 'x'\n"+tc.settings, files)
		got := slices.ContainsFunc(p.Warnings, func(f detect.Finding) bool { return f.Name == "frontend-output" })
		if got != tc.warn {
			t.Errorf("%q: warning %v, want %v (%v)", tc.settings, got, tc.warn, p.Warnings)
		}
	}
}

func TestCeleryBeatFromCommands(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		src   string
	}{
		{"embedded in a Procfile worker", map[string]string{"Procfile": "web: gunicorn proj.wsgi\nworker: celery -A proj worker -l info -B\n"}, "Procfile:2"},
		{"compose sh -c", map[string]string{"docker-compose.yml": "services:\n  tasks:\n    command: sh -c \"celery -A proj worker --beat -l info\"\n"}, "docker-compose.yml:3"},
		{"entrypoint script over lines", map[string]string{"docker/entrypoint-beat.sh": "#!/bin/sh\nset -e\nexec celery --app=proj \\\n    beat \\\n  --schedule=/tmp/s\n"}, "docker/entrypoint-beat.sh:3"},
		{"start script without extension", map[string]string{"docker/celery/start-beat": "#!/bin/bash\ncelery --app proj beat --loglevel INFO\n"}, "docker/celery/start-beat:2"},
		{"a worker alone", map[string]string{"Procfile": "worker: celery -A proj worker -l info\n", "bin/run-worker": "celery -A proj worker -l info # beat runs elsewhere\n"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.files["requirements.txt"] = "django\ncelery\n"
			p := detectFiles(t, "INSTALLED_APPS = []\nCELERY_BROKER_URL = 'amqp://rabbit'\n", tc.files)
			src, detail := "", ""
			for _, f := range p.ServiceEvidence {
				if f.Name == "celery-beat" {
					src, detail = f.Source, f.Detail
				}
			}
			if src != tc.src {
				t.Errorf("celery-beat from %q, want %q (%v)", src, tc.src, p.ServiceEvidence)
			}
			if embedded := strings.Contains(tc.name, "embedded") || strings.Contains(tc.name, "sh -c"); embedded != strings.Contains(detail, "embedded in a worker") {
				t.Errorf("detail %q: embedded should be %v", detail, embedded)
			}
		})
	}
}

func TestRedisFromAddressVariables(t *testing.T) {
	for _, tc := range []struct {
		name, settings string
		files          map[string]string
		src            string // of the redis service, "" for none
	}{
		{"a redis default", "import os\nREDIS_URL = os.environ.get('REDIS_URL', 'redis://localhost:6379')\n", nil, "proj/settings.py:2"},
		{"compose sets the broker variable", "import os\nBROKER_URL = os.environ.get('BROKER_URL', 'amqp://guest@rabbit//')\n",
			map[string]string{"docker-compose.yml": "web:\n  image: app\n  environment:\n    - BROKER_URL=redis://redis:6379/0\nredis:\n  image: redis\n"}, "docker-compose.yml:4"},
		{"compose map form", "import os\nCACHE_LOCATION = os.getenv('CACHE_LOCATION')\n",
			map[string]string{"compose.yaml": "services:\n  web:\n    environment:\n      CACHE_LOCATION: redis://cache:6379/1\n"}, "compose.yaml:4"},
		{"compose default of an interpolation", "import os\nCACHE_LOCATION = os.getenv('CACHE_LOCATION')\n",
			map[string]string{"compose.yaml": "services:\n  web:\n    environment:\n      CACHE_LOCATION: ${CACHE_LOCATION:-redis://cache:6379/1}\n"}, "compose.yaml:4"},
		{"compose sets something else", "import os\nCACHE_LOCATION = os.getenv('CACHE_LOCATION')\n",
			map[string]string{"compose.yaml": "services:\n  web:\n    environment:\n      CACHE_LOCATION: memcached:11211\n"}, ""},
		{"optional redis host with the package", "import os\nREDIS_HOST = os.getenv('REDIS_HOST', None)\nREDIS_PORT = int(os.getenv('REDIS_PORT', 6379))\n",
			map[string]string{"requirements.txt": "django\nredis\n"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"requirements.txt": "django\n"}
			for k, v := range tc.files {
				files[k] = v
			}
			p := detectFiles(t, "INSTALLED_APPS = []\n"+tc.settings, files)
			src := ""
			for _, f := range p.ServiceEvidence {
				if f.Name == "redis" {
					src = f.Source
				}
			}
			if want := strings.Replace(tc.src, "settings.py:2", "settings.py:3", 1); src != want {
				t.Errorf("redis from %q, want %q (%v)", src, want, p.ServiceEvidence)
			}
		})
	}
}
