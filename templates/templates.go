// Package templates holds the embedded text templates the generated files are rendered
// from. Each reads like the file it becomes; the logic stays in package generate.
package templates

import "embed"

// FS holds every *.tmpl file.
//
//go:embed *.tmpl
var FS embed.FS
