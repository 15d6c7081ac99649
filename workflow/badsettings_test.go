package workflow

import (
	"maps"
	"strings"
	"testing"

	"github.com/containerize/containerize/internal/samples"
)

// TestInitRefusesBadSettings: asking for the settings block on a settings file Python 3
// cannot compile is an error naming file:line and what to do, and nothing is planned or
// written; without the block the same project plans.
func TestInitRefusesBadSettings(t *testing.T) {
	dir := samples.Copy(t, "read-py2-lists")
	before := tree(t, dir)
	o := yes(dir)
	patch := true
	o.Flags.SettingsPatch = &patch
	_, err := PrepareInit(o)
	if err == nil {
		t.Fatal("PrepareInit accepted a settings block for a Python 2 settings file")
	}
	// The block would go to the package's __init__.py, which compiles; the base.py it
	// star-imports does not.
	for _, want := range []string{"newsroom/settings/base.py:7: Missing parentheses in call to 'print'", "newsroom/settings/__init__.py", "python3 -m py_compile newsroom/settings/base.py", "--no-settings-patch"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if after := tree(t, dir); !maps.Equal(after, before) {
		t.Errorf("files changed: %d before, %d after", len(before), len(after))
	}
	if _, err := PrepareInit(yes(dir)); err != nil {
		t.Errorf("without the settings block: %v", err)
	}
}
