package django

import (
	"reflect"
	"testing"
)

// TestSplitSettingsIncludeMail: django-split-settings runs the included files in the
// settings' namespace, in order; optional ones may be missing.
func TestSplitSettingsIncludeMail(t *testing.T) {
	settings := `from split_settings.tools import include, optional

base = ["components/base.py"]
if os.environ.get("ON_HEROKU"):
    base.append("components/heroku.py")
include(
    *base,
    "components/mail_*.py",
    optional("local_settings.py"),
)
`
	info, err := Read(project(settings,
		"proj/components/base.py", "import environ\nINSTALLED_APPS = [\"django.contrib.admin\"]\nenv = environ.Env(APP_DEBUG=(bool, False))\nDEBUG = env(\"APP_DEBUG\")\nSECRET_KEY = env(\"APP_SECRET_KEY\")\n",
		"proj/components/mail_smtp.py", "EMAIL_CONFIG = env.email_url(\"APP_EMAIL_URL\", default=\"smtp://localhost:25\")\nvars().update(EMAIL_CONFIG)\n",
	), "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"debug_env": `"APP_DEBUG"`, "secret_key_env": `"APP_SECRET_KEY"`, "email_url_env": `"APP_EMAIL_URL"`,
		"email_smtp_source": `"proj/components/mail_smtp.py:1"`, "notes": `[]`}
	if got := fields(t, info, want); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
