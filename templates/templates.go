// Package templates holds the embedded text templates the generated files are rendered
// from. Each reads like the file it becomes; the logic stays in package generate (and, for
// the Kubernetes configuration, package kube).
package templates

import "embed"

// FS holds every *.tmpl file of the container files.
//
//go:embed *.tmpl
var FS embed.FS

// Kubernetes holds the templates of deploy/kubernetes (package kube).
//
//go:embed kubernetes/*.tmpl
var Kubernetes embed.FS
