package lazy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// cheap are the package-level calls allowed at start-up: they do no real work, or defer it.
var cheap = map[string]bool{
	"errors.New": true, "lazy.Regexp": true, "sync.OnceValue": true, "sync.OnceValues": true,
	"sync.OnceFunc": true, "time.Date": true,
}

// TestNoStartupWork holds the module's product code to the rule that keeps the CLI's start
// fast: no func init, and no package-level variable initialised by a call that works
// (compiling an expression, parsing a template, building a table through a function).
// Small map and slice literals are allowed, but in pep, the packaging floor every command
// initialises, where package-level variables hold constant data only. Tests, the e2e tools
// and test-only packages are exempt.
func TestNoStartupWork(t *testing.T) {
	root := filepath.Join("..", "..")
	testOnly := []string{"e2e", "testdata", "internal/samples", "image/internal/testkit", "validate/fulllint", "validate/composespec"}
	checked := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			for _, skip := range testOnly {
				if rel == skip {
					return filepath.SkipDir
				}
			}
			if strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		checked++
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.Name == "init" {
					t.Errorf("%s: func init runs on every command", rel)
				}
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, spec := range d.Specs {
					for _, v := range spec.(*ast.ValueSpec).Values {
						ast.Inspect(v, func(n ast.Node) bool {
							switch n := n.(type) {
							case *ast.FuncLit:
								return false // runs later, if ever
							case *ast.MapType:
								if strings.HasPrefix(rel, "pep/") {
									t.Errorf("%s:%d: a package-level map is built at start-up; pep holds constant data only", rel, fset.Position(n.Pos()).Line)
								}
							case *ast.CallExpr:
								if name := callee(n); !cheap[name] {
									t.Errorf("%s:%d: %s at package level runs on every command; build it on first use (internal/lazy, sync.OnceValue)", rel, fset.Position(n.Pos()).Line, name)
								}
							}
							return true
						})
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d files checked; is the module root %s?", checked, root)
	}
}

// callee names a call's function as pkg.Name, or "a call" when it is not a package's function.
func callee(c *ast.CallExpr) string {
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
		if pkg, ok := sel.X.(*ast.Ident); ok {
			return pkg.Name + "." + sel.Sel.Name
		}
	}
	if id, ok := c.Fun.(*ast.Ident); ok {
		return id.Name + "(…)"
	}
	return "a call"
}
