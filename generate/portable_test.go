package generate

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/containerize/containerize/internal/samples"
)

// backslashPath is a backslash between two characters of file names ("app\settings.py",
// ".\manage.py", "C:\src"): a Windows path separator. Escapes in generated text ("\"" in
// the compose file, r"[\s,]+" in the settings block) do not sit between name characters.
var backslashPath = regexp.MustCompile(`[A-Za-z0-9_.~:-]\\[A-Za-z0-9_.~-]`)

// TestOutputsArePortable holds every generated file of every sample to what a committed
// file shared by Linux, macOS and Windows teammates needs: LF line endings only, and
// forward slashes in paths (file names and contents), whatever system generated it.
func TestOutputsArePortable(t *testing.T) {
	for _, v := range samples.Variants(t) {
		t.Run(v.Name, func(t *testing.T) {
			_, out := generateVariant(t, v)
			check := func(path string, data []byte) {
				t.Helper()
				if strings.Contains(path, `\`) {
					t.Errorf("file name %q has a backslash", path)
				}
				if i := bytes.IndexByte(data, '\r'); i >= 0 {
					t.Errorf("%s: a carriage return at line %d; generated files end lines with LF only", path, bytes.Count(data[:i], []byte("\n"))+1)
				}
				for _, loc := range backslashPath.FindAllIndex(data, -1) {
					t.Errorf("%s:%d: %q looks like a Windows path separator; generated files use forward slashes",
						path, bytes.Count(data[:loc[0]], []byte("\n"))+1, data[loc[0]:loc[1]])
				}
			}
			for _, f := range out.Files {
				check(f.Path, f.Data)
			}
			check(".env", out.Env)
			for _, b := range out.Blocks {
				check(b.Path, b.Body)
			}
			for _, l := range out.Lines {
				check(l.Path, []byte(strings.Join(l.Lines, "\n")))
			}
		})
	}
	// The pattern finds what it is for.
	for _, s := range []string{`COPY requirements\base.txt .`, `.\manage.py`, `C:\src`} {
		if !backslashPath.MatchString(s) {
			t.Errorf("%q not taken for a Windows path", s)
		}
	}
	for _, s := range []string{`"pg_isready --username \"$${POSTGRES_USER}\""`, `r"[\s,]+"`, "RUN a \\\n    b"} {
		if backslashPath.MatchString(s) {
			t.Errorf("%q taken for a Windows path", s)
		}
	}
}
