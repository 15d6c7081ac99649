package generate

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/wizard"
)

// blockRunner executes a generated settings block with python3 below settings that have a
// development key and DEBUG on, in the environment given, and returns SECRET_KEY and DEBUG
// as the block leaves them, or the error it raised.
const blockRunner = `
import json, sys
block = sys.stdin.read()
g = {"__file__": "/app/library/settings.py", "__name__": "library.settings",
     "SECRET_KEY": "django-insecure-development-key", "DEBUG": True, "MIDDLEWARE": []}
try:
    exec(compile(block, "settings.py", "exec"), g)
except Exception as e:
    print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}))
else:
    print(json.dumps({"secret_key": g.get("SECRET_KEY"), "debug": g.get("DEBUG")}))
`

// TestSettingsBlockFailsClosed: outside containers the block keeps the settings' own key and
// DEBUG; in the image (its runtime environment, nothing else: docker run IMAGE) DEBUG is off
// and a missing key stops the start with an error naming the variable; collectstatic's
// build-only key, compose's .env and the dev environment's DEBUG still work.
func TestSettingsBlockFailsClosed(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	pl, out := generateVariant(t, samples.Variant{Name: "library", Sample: "library", Flags: wizard.Flags{Yes: true}})
	if len(out.Blocks) != 1 {
		t.Fatalf("blocks: %d", len(out.Blocks))
	}
	rt := pl.Image.Runtime
	key := pl.Patch.SecretKeyEnv
	image := append([]string(nil), rt.Env...)
	var dev []string
	for _, e := range pl.Dev.Environment {
		dev = append(dev, e.Key+"="+strings.Trim(e.Value, `"`))
	}
	type result struct {
		SecretKey *string `json:"secret_key"`
		Debug     bool    `json:"debug"`
		Error     string  `json:"error"`
	}
	run := func(env []string) result {
		t.Helper()
		cmd := exec.Command(python, "-I", "-c", blockRunner)
		cmd.Env = append(env, "PATH=/usr/bin:/bin")
		cmd.Stdin = bytes.NewReader(out.Blocks[0].Body)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("python: %v\n%s", err, stderr.String())
		}
		var r result
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		return r
	}
	str := func(s *string) string {
		if s == nil {
			return "<nil>"
		}
		return *s
	}
	if r := run(nil); r.Error != "" || str(r.SecretKey) != "django-insecure-development-key" || !r.Debug {
		t.Errorf("outside containers: %+v", r)
	}
	if r := run(image); !strings.Contains(r.Error, key+" is not set") {
		t.Errorf("image without environment: %+v, want an error naming %s", r, key)
	}
	if r := run(append(image, key+"=from-env")); r.Error != "" || str(r.SecretKey) != "from-env" || r.Debug {
		t.Errorf("image with a key only: %+v, want DEBUG off", r)
	}
	if !rt.Collectstatic {
		t.Fatal("library collects static files")
	}
	if r := run(append(image, strings.Fields(rt.CollectstaticEnv)...)); r.Error != "" || r.Debug {
		t.Errorf("collectstatic at build time (%s): %+v", rt.CollectstaticEnv, r)
	}
	if r := run(append(append(image, key+"=from-dotenv"), dev...)); r.Error != "" || !r.Debug || str(r.SecretKey) != "from-dotenv" {
		t.Errorf("development environment (%v): %+v", dev, r)
	}
}
