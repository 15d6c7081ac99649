package plan

import (
	"fmt"
	"strings"

	"github.com/containerize/containerize/django"
)

// patchable refuses to append the settings block when Python 3 cannot compile a settings
// file: the file itself (appending would hide its own error behind ours), or one it
// star-imports, since the module then fails on import whatever is appended. A Python 2
// settings file is refused too: the image runs Python 3. Init writes nothing when it
// refuses.
func patchable(d *django.Info, file string) error {
	for _, e := range d.SettingsErrors {
		broken, _, _ := strings.Cut(e.Source, ":")
		where, target := "this settings file", "it"
		if broken != file {
			where, target = "this settings file (which "+file+" imports)", file
		}
		return fmt.Errorf("%s: %s. Python 3 cannot compile %s, so containerize will not append its settings block to %s, and wrote nothing. "+
			"Fix the file (python3 -m py_compile %s shows the error) and run init again, "+
			"or decline the settings block (--no-settings-patch, or settings_patch = false in containerize.toml)", e.Source, e.Message, where, target, broken)
	}
	return nil
}

// unpatched lists the answers that have no effect because the settings block was declined:
// what .env and compose pass in that the settings themselves do not read.
func unpatched(f *facts, s Compose) []string {
	d := f.d
	var moot []string
	if (s.Postgres || s.MySQL) && !d.DatabaseFromEnv && d.DatabaseURLEnv == "" && len(d.DatabaseEnv) == 0 {
		moot = append(moot, "the database service (the settings do not read "+f.databaseURLEnv+"; DATABASES"+at(d.DatabaseSource)+" is used)")
	}
	if d.SecretKeyEnv == "" {
		moot = append(moot, "the secret key in .env (SECRET_KEY"+at(d.SecretKeySource)+" is used)")
	}
	// DEBUG has its own note (see dev).
	if d.AllowedHostsEnv == "" && !d.AllowedHostsFromEnv {
		moot = append(moot, "the allowed hosts in .env (ALLOWED_HOSTS"+at(d.AllowedHostsSource)+" is used)")
	}
	if s.Mail && d.EmailHostEnv == "" && d.EmailURLEnv == "" {
		moot = append(moot, "the mail service (the settings do not read EMAIL_HOST)")
	}
	if len(moot) == 0 {
		return nil
	}
	return []string{"without the settings block these answers have no effect: " + strings.Join(moot, "; ") +
		". Accept the settings block, or read them from the environment in the settings"}
}

func at(src string) string {
	if src == "" {
		return ""
	}
	return " at " + src
}
