package detect

import (
	"bytes"
	"fmt"
	"path"
)

// tomlBOMWarnings reports a pyproject.toml or Pipfile the image will install from that starts with a
// UTF-8 byte-order mark (Windows editors and PowerShell write one). containerize reads it, but pip
// (tomllib) and Poetry, Pipenv and PDM (tomlkit) refuse such a file with "Invalid statement (at line 1,
// column 1)" or "Empty key", so the image build would fail far from the cause; uv accepts it.
func tomlBOMWarnings(t *tree, p *Project) {
	if p.PackageManager == ManagerUV {
		return
	}
	for _, f := range p.DependencyFiles {
		if base := path.Base(f); base != "pyproject.toml" && base != "Pipfile" {
			continue
		}
		b, err := t.readFile(f)
		if err != nil || !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
			continue
		}
		p.warn("toml-bom", f+":1", fmt.Sprintf("%s starts with a UTF-8 byte-order mark, which %s refuses to read (TOML files are read as plain UTF-8); save it as UTF-8 without BOM", f, p.PackageManager))
	}
}
