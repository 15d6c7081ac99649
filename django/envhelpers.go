package django

import (
	"slices"

	"github.com/containerize/containerize/pyscan"
)

// useImportedEnvHelpers makes the calls of environment helpers the settings import from
// a module of the project (`from proj.settings.parsers import get_bool_from_env`) reads
// of the variable they name, as pyscan.Parse does for helpers the module defines itself.
func (r *reader) useImportedEnvHelpers(m *pyscan.Module, pkg string) error {
	var hs []pyscan.EnvHelper
	for _, imp := range m.Imports {
		if imp.Local || len(imp.Names) == 0 || imp.Names[0] == "*" {
			continue
		}
		target := absoluteImport(pkg, imp)
		if target == "" {
			continue
		}
		file, _, _, err := r.resolveModule(target)
		if err != nil {
			return err
		}
		if file == "" {
			continue // not the project's
		}
		src, err := r.parse(file)
		if err != nil {
			return err
		}
		if src == nil {
			continue
		}
		for _, h := range src.EnvHelpers {
			if slices.Contains(imp.Names, h.Name) {
				hs = append(hs, h)
			}
		}
	}
	m.UseEnvHelpers(hs)
	return nil
}
