package generate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/wizard"
)

// TestRuntimeMatchesDockerfile checks that the plan's runtime stage, from which the daemonless builder
// assembles its image, is what the rendered Dockerfile does, for every sample: CMD, HEALTHCHECK, EXPOSE,
// USER, user ids, the copied folder, ENV values, WORKDIR and the extra packages.
func TestRuntimeMatchesDockerfile(t *testing.T) {
	vs := append(samples.Variants(t), samples.Variant{Name: "channels-daphne", Sample: "channels-asgi", Flags: wizard.Flags{Yes: true, Server: config.ServerDaphne}})
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			pl, out := generateVariant(t, v)
			r := pl.Image.Runtime
			var dockerfile string
			for _, f := range out.Files {
				if f.Path == "Dockerfile" {
					dockerfile = string(f.Data)
				}
			}
			// The production image is the last stage, runtime, on the stage it is FROM.
			stages := stagesOf(dockerfile)
			last := stages[len(stages)-1]
			if !strings.HasPrefix(last, "FROM runtime-base AS runtime\n") {
				t.Fatalf("the last stage is not runtime on runtime-base:\n%s", last)
			}
			i := slices.IndexFunc(stages, func(s string) bool {
				return strings.HasPrefix(s, "FROM python:"+pl.Answers.Python+"-slim AS runtime-base\n")
			})
			if i < 0 {
				t.Fatalf("no runtime-base stage on python:%s-slim", pl.Answers.Python)
			}
			stage := stages[i] + last
			src := "."
			if r.SourceDir != "." {
				src = r.SourceDir + "/"
			}
			checks := []string{
				"\nCMD " + jsonArray(r.Command) + "\n",
				"\n    CMD " + jsonArray(r.Healthcheck.Command) + "\n",
				fmt.Sprintf("HEALTHCHECK --interval=%s --timeout=%s --start-period=%s --retries=%d \\\n", r.Healthcheck.Interval, r.Healthcheck.Timeout, r.Healthcheck.StartPeriod, r.Healthcheck.Retries),

				"\nUSER " + r.User + "\n",
				"\nEXPOSE " + strconv.Itoa(r.Port) + "\n",
				"COPY --chown=" + r.UserName + ":" + r.UserName + " " + src + " /app/\n",
				"--gid " + strconv.Itoa(r.GID) + " " + r.UserName + " ",
				"useradd ",
				"--uid " + strconv.Itoa(r.UID) + " --gid " + r.UserName + " ",
				"--home-dir /app --shell /usr/sbin/nologin " + r.UserName + " ",
				"install -d -o app -g app " + strings.Join(r.OwnedDirs, " ") + "\n",
			}
			if r.WorkDir != "/app" {
				checks = append(checks, "\nWORKDIR "+r.WorkDir+"\n")
			}
			for _, e := range r.Env {
				checks = append(checks, "    "+e)
			}
			if r.Collectstatic {
				checks = append(checks, "python manage.py collectstatic --noinput")
			}
			if len(pl.Image.Extra) > 0 && !strings.Contains(stages[0], "pip install "+strings.Join(pl.Image.Extra, " ")+"\n") {
				t.Errorf("the build stage does not install %q", pl.Image.Extra)
			}
			for _, want := range checks {
				if !strings.Contains(stage, want) {
					t.Errorf("the production stages lack %q:\n%s", want, stage)
				}
			}
			if want := "docker build -t " + pl.Name + " .\n"; !strings.Contains(dockerfile, want) {
				t.Errorf("Dockerfile lacks %q", want)
			}
			if !r.Collectstatic && strings.Contains(stage, "collectstatic") {
				t.Errorf("Collectstatic is false but the Dockerfile runs collectstatic")
			}
		})
	}
}

// stagesOf splits a Dockerfile into its stages, each from its FROM line on (comments
// dropped, so that only instructions and their continuation lines are compared).
func stagesOf(dockerfile string) []string {
	var stages []string
	for _, line := range strings.SplitAfter(dockerfile, "\n") {
		switch {
		case strings.HasPrefix(line, "FROM "):
			stages = append(stages, line)
		case len(stages) > 0 && !strings.HasPrefix(line, "#") && strings.TrimSpace(line) != "":
			stages[len(stages)-1] += line
		}
	}
	return stages
}

// jsonArray renders args the way the template prints exec-form arrays.
func jsonArray(args []string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(args)
	return strings.ReplaceAll(strings.TrimSuffix(b.String(), "\n"), `","`, `", "`)
}
