package migrate

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/golden"
)

const existingPyproject = `# The shop's settings.
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "shop"
version = "1.4.0"
description = "A shop"  # kept as written
dependencies = [
    "Django>=3.0",   # the framework
    "requests",
]

[project.optional-dependencies]
test = ["pytest"]

[tool.black]
line-length = 100
`

const existingPipfile = `[[source]]
url = "https://pypi.internal/simple"
verify_ssl = true
name = "internal"

[packages]
django = "~=3.2"
# the API
djangorestframework = "*"
requests = {version = "*", extras = ["socks"]}

[dev-packages]
pytest = "*"

[requires]
python_version = "3.8"
`

// TestMergeExisting edits an existing manifest in place: only the
// dependency list changes.
func TestMergeExisting(t *testing.T) {
	for _, tc := range []struct {
		name, format, file, content string
	}{
		{"pyproject", FormatPyproject, "pyproject.toml", existingPyproject},
		{"pyproject-no-deps", FormatPyproject, "pyproject.toml", "[project]\nname = \"shop\"\nversion = \"1.0\"\n\n[tool.black]\nline-length = 100"},
		{"pyproject-no-project", FormatPyproject, "pyproject.toml", "[tool.black]\nline-length = 100\n"},
		{"pyproject-dotted", FormatPyproject, "pyproject.toml", "project.name = \"shop\"\nproject.version = \"1\"\nproject.dependencies = [\"django\"]\n"},
		{"pipfile", FormatPipfile, "Pipfile", existingPipfile},
		{"pipfile-no-packages", FormatPipfile, "Pipfile", "[dev-packages]\npytest = \"*\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := legacyProject()
			w.project(map[string]string{tc.file: tc.content})
			in := load(t, w)
			files := plan(t, in, analyze(t, in), tc.format)
			golden.Assert(t, files[tc.file], filepath.Join("merge", tc.name+".golden"))
			// What lies outside the dependency list is kept byte for byte.
			if tc.name == "pyproject" {
				got := files[tc.file]
				for _, keep := range []string{"# The shop's settings.\n", `description = "A shop"  # kept as written`, "[project.optional-dependencies]\ntest = [\"pytest\"]\n\n[tool.black]\nline-length = 100\n"} {
					if !strings.Contains(got, keep) {
						t.Errorf("lost %q", keep)
					}
				}
			}
		})
	}
}

func TestPyprojectDynamicDependencies(t *testing.T) {
	w := legacyProject()
	w.project(map[string]string{"pyproject.toml": "[project]\nname = \"shop\"\nversion = \"1\"\ndynamic = [\"dependencies\"]\n"})
	in := load(t, w)
	_, err := Plan(in, analyze(t, in), FormatPyproject)
	if err == nil || !strings.Contains(err.Error(), "pyproject.toml: [project] dynamic lists \"dependencies\"") {
		t.Fatalf("err = %v, want one naming pyproject.toml and dynamic", err)
	}
}

func TestPlanUnknownFormat(t *testing.T) {
	in := load(t, legacyProject())
	_, err := Plan(in, analyze(t, in), "conda")
	if err == nil || !strings.Contains(err.Error(), `unknown format "conda": use requirements, pipfile or pyproject`) {
		t.Fatalf("err = %v", err)
	}
}

// TestPlanTwiceChangesNothing writes the plan, detects the project again
// and plans again: the same bytes, for every format and starting point.
func TestPlanTwiceChangesNothing(t *testing.T) {
	starts := map[string]func() world{
		"legacy": legacyProject,
		"direct": directInstalls,
		// Without requests, which is not installed: the first plan lists it as
		// left out, and once its manifest is chosen over pyproject.toml, no
		// more.
		"pyproject": func() world {
			return legacyProject().project(map[string]string{"pyproject.toml": strings.Replace(existingPyproject, "    \"requests\",\n", "", 1)})
		},
		"pipfile": func() world {
			return legacyProject().project(map[string]string{"Pipfile": existingPipfile})
		},
	}
	for name, start := range starts {
		for _, format := range []string{FormatRequirements, FormatPipfile, FormatPyproject} {
			t.Run(name+"/"+format, func(t *testing.T) {
				w := start()
				if name == "pipfile" && format == FormatRequirements {
					// Without requests, which is not installed: the first plan lists it as
					// left out of the Pipfile, and once requirements.txt (pinned by
					// requirements.lock) is chosen over the unlocked Pipfile, no more.
					w = w.project(map[string]string{"Pipfile": strings.Replace(existingPipfile, "requests = {version = \"*\", extras = [\"socks\"]}\n", "", 1)})
				}
				in := load(t, w)
				first := plan(t, in, analyze(t, in), format)
				w.apply(first)
				again := load(t, w)
				r := analyze(t, again)
				var undeclared []string
				for _, d := range r.InstalledNotDeclared {
					undeclared = append(undeclared, d.Name)
				}
				var want []string
				if name == "direct" && format == FormatPyproject {
					// [project].dependencies cannot declare folders: they stay in requirements.lock.
					want = []string{"legacylib", "localpkg", "mylib", "rellib", "shared"}
				}
				if !slices.Equal(undeclared, want) || len(r.VersionDiffers) != 0 {
					t.Errorf("after writing the plan: undeclared %v (want %v), versions differ %+v", undeclared, want, r.VersionDiffers)
				}
				second := plan(t, again, r, format)
				if diff := cmp.Diff(first, second); diff != "" {
					t.Errorf("second plan differs (-first +second):\n%s", diff)
				}
			})
		}
	}
}
