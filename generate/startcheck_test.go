package generate

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/wizard"
)

// TestImageFailsClosed, for every sample, with or without the settings block: the production
// image sets DEBUG's variable to an off value (unless the block decides DEBUG), and the web
// server, migrate and Celery start behind a check naming the secret key's variable, in the
// Dockerfile's CMD and compose alike. With sh, the check is run without the variable, empty,
// and with it; with python3, the settings' own DEBUG line is evaluated in the image's
// environment.
func TestImageFailsClosed(t *testing.T) {
	sh, _ := exec.LookPath("sh")
	python, _ := exec.LookPath("python3")
	vs := append(samples.Variants(t), samples.Variant{Name: "channels-daphne", Sample: "channels-asgi", Flags: wizard.Flags{Yes: true, Server: config.ServerDaphne}})
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			p, _ := samples.Load(t, v)
			d := p.Django
			pl, out := generateVariant(t, v)
			rt, s := pl.Image.Runtime, pl.Compose
			files := map[string]string{}
			for _, f := range out.Files {
				files[f.Path] = string(f.Data)
			}

			// DEBUG: off by default in the image, on in the dev override.
			if d.DebugEnv != "" && !pl.Answers.SettingsPatch {
				i := slices.IndexFunc(rt.Env, func(e string) bool { return strings.HasPrefix(e, d.DebugEnv+"=") })
				if i < 0 {
					t.Fatalf("the image does not set %s (DEBUG's variable): %q", d.DebugEnv, rt.Env)
				}
				if off := strings.TrimPrefix(rt.Env[i], d.DebugEnv+"="); off == d.DebugOn || off == "1" || strings.EqualFold(off, "true") {
					t.Errorf("%s=%s does not turn DEBUG off (on is %q)", d.DebugEnv, off, d.DebugOn)
				}
				if !slices.Contains(pl.Dev.Environment, plan.EnvVar{Key: d.DebugEnv, Value: `"` + cmpOr(d.DebugOn, "1") + `"`}) {
					t.Errorf("the dev override does not turn %s on: %v", d.DebugEnv, pl.Dev.Environment)
				}
				if python != "" {
					checkDebugLine(t, python, filepath.Join(p.Root, d.SettingsFile), rt.Env, d.DebugEnv)
				}
			}

			// SECRET_KEY: the start check names the settings' variable.
			key := d.SecretKeyEnv
			if pl.Answers.SettingsPatch {
				key = pl.Patch.SecretKeyEnv
			}
			if key == "" {
				if rt.RequiredEnv != "" || rt.Command[0] == "sh" {
					t.Errorf("the settings read no key, but the image checks %q: %q", rt.RequiredEnv, rt.Command)
				}
				return
			}
			if rt.RequiredEnv != key {
				t.Fatalf("the start check requires %q, want %q", rt.RequiredEnv, key)
			}
			check, server := rt.SplitStart()
			if check == nil || !slices.Equal(plan.StartCheck(key, server), rt.Command) {
				t.Fatalf("CMD %q does not start with the check", rt.Command)
			}
			commands := [][]string{rt.Command, s.MigrateCommand}
			for _, w := range s.Workers {
				commands = append(commands, w.Command)
			}
			for _, c := range commands {
				if !slices.Equal(c[:4], check) {
					t.Errorf("%q does not start with the check", c)
				}
			}
			if !strings.Contains(files[pl.Files.Dockerfile], "\nCMD "+execArray(rt.Command)+"\n") {
				t.Errorf("the Dockerfile's CMD is not %s", execArray(rt.Command))
			}
			for _, c := range commands[1:] {
				if !strings.Contains(files[pl.Files.Compose], "command: "+composeArray(c)+"\n") {
					t.Errorf("%s lacks command: %s", pl.Files.Compose, composeArray(c))
				}
			}
			if slices.Contains(rt.Healthcheck.Command, "sh") {
				t.Errorf("the health check goes through the start check: %q", rt.Healthcheck.Command)
			}
			if sh == "" {
				return
			}
			run := func(env ...string) (string, string, error) {
				cmd := exec.Command(check[0], append(slices.Clone(check[1:]), "echo", "started")...)
				cmd.Env = append([]string{"PATH=/usr/bin:/bin"}, env...)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				return stdout.String(), stderr.String(), err
			}
			for _, env := range [][]string{nil, {key + "="}} {
				stdout, stderr, err := run(env...)
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != 64 || stdout != "" {
					t.Errorf("without %s (%q): %v, stdout %q; want exit 64 and no start", key, env, err, stdout)
				}
				for _, want := range []string{key + " is not set", "--env-file .env", "-e " + key + "="} {
					if !strings.Contains(stderr, want) {
						t.Errorf("the message lacks %q: %s", want, stderr)
					}
				}
			}
			if stdout, stderr, err := run(key + "=from-env"); err != nil || stdout != "started\n" {
				t.Errorf("with %s: %v, %q %q", key, err, stdout, stderr)
			}
		})
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// checkDebugLine evaluates the settings' `DEBUG = os…` line with python3 in the image's
// environment and wants it false (other readers, env("DEBUG"), are not evaluated).
func checkDebugLine(t *testing.T, python, settings string, env []string, name string) {
	t.Helper()
	b, err := os.ReadFile(settings)
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^DEBUG\s*=\s*(os\.(environ|getenv).*)$`).FindSubmatch(b)
	if line == nil {
		return
	}
	cmd := exec.Command(python, "-I", "-c", "import os\nDEBUG = "+string(line[1])+"\nprint(bool(DEBUG))")
	cmd.Env = append([]string{"PATH=/usr/bin:/bin"}, env...)
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	if strings.TrimSpace(string(got)) != "False" {
		t.Errorf("%s in the image's environment (%q): DEBUG is %s", line[0], env, got)
	}
}
