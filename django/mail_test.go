package django

import (
	"reflect"
	"strings"
	"testing"
)

func TestMail(t *testing.T) {
	tests := []struct {
		name, settings string
		want           map[string]string
	}{
		{"smtp backend", `EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"`,
			map[string]string{"email_smtp": `"EMAIL_BACKEND sends mail over SMTP"`, "email_smtp_source": `"proj/settings.py:1"`}},
		{"console only", `EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"`,
			map[string]string{"email_smtp": ``, "email_backend": `"console"`}},
		{"external host from env", `import os
EMAIL_HOST = os.environ.get("SMTP_HOST", "smtp.example.com")`,
			map[string]string{"email_host_env": `"SMTP_HOST"`, "email_host": `"smtp.example.com"`,
				"email_smtp": `"EMAIL_HOST is set and Django's default backend sends mail over SMTP"`, "email_smtp_source": `"proj/settings.py:2"`}},
		{"literal localhost is the default", `EMAIL_HOST = "localhost"`,
			map[string]string{"email_smtp": ``, "email_host": `"localhost"`}},
		{"literal provider host", `EMAIL_HOST = "smtp.sendgrid.net"`,
			map[string]string{"email_smtp_source": `"proj/settings.py:1"`}},
		{"console in DEBUG, smtp in else", `DEBUG = False
if DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"`,
			map[string]string{"email_backend": `"smtp"`, "email_smtp_source": `"proj/settings.py:5"`, "email_backend_debug_only": ``}},
		{"smtp in not DEBUG, console in else", `if not DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"`,
			map[string]string{"email_backend": `"smtp"`, "email_smtp_source": `"proj/settings.py:2"`}},
		{"console only in DEBUG, host from env", `import os
if DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = os.environ["EMAIL_HOST"]`,
			map[string]string{"email_backend_debug_only": `true`, "email_smtp_source": `"proj/settings.py:4"`,
				"email_smtp": `"EMAIL_BACKEND is only set when DEBUG is on; in production Django's default backend sends mail over SMTP to EMAIL_HOST"`}},
		{"django-environ email_url", `import environ
env = environ.Env()
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)`,
			map[string]string{"email_url_env": `"EMAIL_URL"`, "email_url_source": `"proj/settings.py:3"`, "email_smtp_source": `"proj/settings.py:3"`}},
		{"dj-email-url", `import dj_email_url
email_config = dj_email_url.config()
EMAIL_BACKEND = email_config["EMAIL_BACKEND"]`,
			map[string]string{"email_url_env": `"EMAIL_URL"`, "email_smtp": `"the mail settings are read from $EMAIL_URL, an SMTP URL"`}},
		{"console email_url", `env = environ.Env()
vars().update(env.email("MAIL_URL", default="consolemail://"))`,
			map[string]string{"email_url_env": `"MAIL_URL"`, "email_smtp": ``}},
		{"anymail", `import os
INSTALLED_APPS = ["anymail"]
EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
ANYMAIL = {"MAILGUN_API_KEY": os.environ["MAILGUN_API_KEY"], "MAILGUN_SENDER_DOMAIN": os.getenv("MAILGUN_DOMAIN")}
EMAIL_HOST = "smtp.mailgun.org"`,
			map[string]string{"email_provider": `"anymail:mailgun"`, "email_provider_env": `["MAILGUN_API_KEY","MAILGUN_DOMAIN"]`, "email_smtp": ``}},
		{"django-ses", `import os
EMAIL_BACKEND = "django_ses.SESBackend"
AWS_SES_REGION_NAME = os.environ.get("AWS_SES_REGION", "eu-west-1")`,
			map[string]string{"email_provider": `"amazon-ses"`, "email_provider_env": `["AWS_SES_REGION"]`}},
		{"django-mailer over smtp", `EMAIL_BACKEND = "mailer.backend.DbBackend"
MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"`,
			map[string]string{"email_smtp": `"EMAIL_BACKEND sends mail over SMTP through django-mailer"`}},
		{"post-office over anymail", `EMAIL_BACKEND = "post_office.EmailBackend"
POST_OFFICE = {"BACKENDS": {"default": "anymail.backends.sendgrid.EmailBackend"}}`,
			map[string]string{"email_provider": `"anymail:sendgrid"`, "email_smtp": ``}},
		{"post-office default", `EMAIL_BACKEND = "post_office.EmailBackend"`,
			map[string]string{"email_smtp": `"EMAIL_BACKEND sends mail over SMTP through django-post-office"`}},
		{"smtp switched on by a variable", `import environ
env = environ.Env()
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
if env.bool("ENABLE_EMAIL", False):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")`,
			map[string]string{"email_backend": `"console"`, "email_smtp_source": `"proj/settings.py:5"`,
				"email_smtp": `"EMAIL_BACKEND is set to an SMTP backend when the condition of its branch holds"`}},
		{"file backend only when no password", `import os
EMAIL_HOST = "smtp.sendgrid.net"
EMAIL_HOST_PASSWORD = os.environ.get("SENDGRID_PASSWORD")
if not EMAIL_HOST_PASSWORD:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"`,
			map[string]string{"email_backend": `"file"`, "email_smtp_source": `"proj/settings.py:2"`}},
		{"smtp only in development", `DEBUG = True
if DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "anymail.backends.mailgun.MailgunBackend"`,
			map[string]string{"email_provider": `"anymail:mailgun"`, "email_smtp_source": `"proj/settings.py:3"`,
				"email_smtp": `"EMAIL_BACKEND is SMTP when DEBUG is on: development sends mail over SMTP"`}},
		{"console only in development", `DEBUG = True
if DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "anymail.backends.mailgun.MailgunBackend"`,
			map[string]string{"email_provider": `"anymail:mailgun"`, "email_smtp": ``}},
		{"MAILERS when EMAIL_HOST is set", `import os
MAILERS = {}
if os.getenv("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": os.getenv("EMAIL_HOST", "")}}}`,
			map[string]string{"email_smtp_source": `"proj/settings.py:4"`}},
		{"MAILERS to localhost", `MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "localhost"}}}`,
			map[string]string{"email_smtp": ``}},
		{"EMAIL_URL read into a setting first", `import os, dj_email_url
EMAIL_URL = os.environ.get("EMAIL_URL")
email_config = dj_email_url.parse(EMAIL_URL or "")
EMAIL_BACKEND = email_config.get("EMAIL_BACKEND", "")`,
			map[string]string{"email_url_env": `"EMAIL_URL"`, "email_backend": `"smtp"`, "email_smtp_source": `"proj/settings.py:3"`}},
		{"host from a configuration module", `from proj import configuration
EMAIL = getattr(configuration, "EMAIL", {})
EMAIL_HOST = EMAIL.get("SERVER")`,
			map[string]string{"email_smtp_source": `"proj/settings.py:3"`}},
		{"host from configuration, console backend", `from proj import configuration
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = configuration.EMAIL["SERVER"]`,
			map[string]string{"email_smtp": ``}},
		{"environs default", `from environs import Env
env = Env()
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")`,
			map[string]string{"email_backend": `"smtp"`, "email_smtp_source": `"proj/settings.py:3"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Read(project(tc.settings), "manage.py")
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for k, v := range tc.want {
				want[k] = v
				if v == "" {
					want[k] = "" // absent (omitempty)
				}
			}
			if got := fields(t, info, want); !reflect.DeepEqual(got, want) {
				t.Errorf("got %v\nwant %v\nnotes:\n%s", got, want, notes(info))
			}
		})
	}
}

func TestDebugGuard(t *testing.T) {
	for test, want := range map[string]int{
		"DEBUG": 1, "settings.DEBUG": 1, "DEBUG is True": 1, "not DEBUG": -1, "not (DEBUG)": -1,
		"DEBUG and HAS_TOOLBAR": 1, "not (DEBUG and X)": 0, "X": 0, "not (not DEBUG)": 1, "DEBUGGING": 0,
	} {
		if got := debugGuard(test); got != want {
			t.Errorf("debugGuard(%q) = %d, want %d", test, got, want)
		}
	}
}

func TestRebuiltLists(t *testing.T) {
	tests := []struct {
		name, settings string
		want           []string
		note           string
	}{
		{"cookiecutter concatenation", `DJANGO_APPS = ["django.contrib.admin"]
THIRD_PARTY_APPS = ("rest_framework",)
LOCAL_APPS = ["shop"]
INSTALLED_APPS = DJANGO_APPS + list(THIRD_PARTY_APPS) + LOCAL_APPS`, []string{"django.contrib.admin", "rest_framework", "shop"}, ""},
		{"augmented tuple and methods", `INSTALLED_APPS = ("a",)
INSTALLED_APPS += ("b",)
INSTALLED_APPS.append("c")
INSTALLED_APPS.extend(["d", "e"])
INSTALLED_APPS.insert(0, "z")
if DEBUG:
    INSTALLED_APPS += ["debug_toolbar"]`, []string{"z", "a", "b", "c", "d", "e"}, ""},
		{"list call plus literal", `BASE = ["a"]
INSTALLED_APPS = list(BASE) + ["b"]
INSTALLED_APPS = tuple(INSTALLED_APPS)
INSTALLED_APPS = sorted(set(INSTALLED_APPS))`, []string{"a", "b"}, ""},
		{"opaque function keeps what was known", `INSTALLED_APPS = ["a", "b"]
INSTALLED_APPS = get_apps()`, []string{"a", "b"}, "get_apps() (proj/settings.py:2), which replaced the entries before it"},
		{"function of lists", `BASE = ["a"]
INSTALLED_APPS = add_apps(BASE, ["b"])`, []string{"a", "b"}, "what add_apps"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Read(project(tc.settings), "manage.py")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(info.InstalledApps, tc.want) {
				t.Errorf("apps %q, want %q\nnotes:\n%s", info.InstalledApps, tc.want, notes(info))
			}
			if !strings.Contains(notes(info), tc.note) {
				t.Errorf("notes lack %q:\n%s", tc.note, notes(info))
			}
		})
	}
}

func TestPython2Settings(t *testing.T) {
	fsys := project("", "proj/settings/__init__.py", "from production import *\n",
		"proj/settings/base.py", "print \"loading base\"\nINSTALLED_APPS = (\n    'django.contrib.admin',\n    'shop',\n)\ntry:\n    import raven\nexcept ImportError, e:\n    pass\nSECRET_KEY = `42`\nFILE_UPLOAD_PERMISSIONS = 0644\nSTATIC_URL = ur'/static/'\nexec \"X = 1\"\nDEBUG = False\n",
		"proj/settings/production.py", "from base import *\nINSTALLED_APPS += ('gunicorn',)\nEMAIL_HOST = 'smtp.example.com'\n")
	delete(fsys, "proj/settings.py")
	info, err := Read(fsys, "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"django.contrib.admin", "shop", "gunicorn"}; !reflect.DeepEqual(info.InstalledApps, want) {
		t.Errorf("apps %q, want %q\n%s", info.InstalledApps, want, notes(info))
	}
	if want := []string{"proj/settings/__init__.py", "proj/settings/production.py", "proj/settings/base.py"}; !reflect.DeepEqual(info.SettingsFiles, want) {
		t.Errorf("files %q, want %q", info.SettingsFiles, want)
	}
	if info.StaticURL != "/static/" || info.DebugSource != "proj/settings/base.py:14" || info.EmailSMTPSource != "proj/settings/production.py:3" {
		t.Errorf("static %q debug %q mail %q", info.StaticURL, info.DebugSource, info.EmailSMTPSource)
	}
	if !strings.Contains(notes(info), "proj/settings/__init__.py:1: `from production import *` is a Python 2 implicit relative import; read it as proj.settings.production") {
		t.Errorf("notes:\n%s", notes(info))
	}
}

func TestSettingsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, settings, want string
	}{
		{"valid", "X = 1\n", "null"},
		{"unclosed bracket", "A = 1\nINSTALLED_APPS = [\n    'a',\n", `[{"message":"'[' was never closed","source":"proj/settings.py:2"}]`},
		{"NUL bytes", "A = 1\nB = 2\x00\n", `[{"message":"the file contains NUL bytes: it is not Python source text","source":"proj/settings.py:2"}]`},
		{"latin-1 without a cookie", "A = 1\nB = 'caf\xe9'\n", `[{"message":"the file is not UTF-8 and declares no encoding (a ` + "`# -*- coding: … -*-`" + ` line)","source":"proj/settings.py:2"}]`},
		{"latin-1 with a cookie", "# -*- coding: latin-1 -*-\nB = 'caf\xe9'\n", "null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Read(project(tc.settings), "manage.py")
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"settings_errors": tc.want}
			if tc.want == "null" {
				want["settings_errors"] = ""
			}
			if got := fields(t, info, want); !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestDebugBranchNotes(t *testing.T) {
	info, err := Read(project(`if DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
if DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
`), "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"proj/settings.py:4: EMAIL_BACKEND is set in the branch that runs with DEBUG off; that value was used",
		"proj/settings.py:6: CACHES is only set when DEBUG is on; that value was used, but production runs without it",
	} {
		if !strings.Contains(notes(info), want) {
			t.Errorf("notes lack %q:\n%s", want, notes(info))
		}
	}
}
