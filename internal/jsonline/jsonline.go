// Package jsonline renders a value as JSON on one line for templates: a Dockerfile's exec
// form, a devcontainer value, a YAML flow value (JSON is YAML). generate and kube share it.
package jsonline

import (
	"encoding/json"
	"strings"
)

// String is v as JSON on one line, without HTML escapes (">=" stays readable), with a
// blank after each comma between strings: ["a", "b"].
func String(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.ReplaceAll(strings.TrimSuffix(b.String(), "\n"), `","`, `", "`), nil
}
