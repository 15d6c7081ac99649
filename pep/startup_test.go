package pep

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Every command of the CLI initialises this package: it must do nothing at
// start-up. No init function, and package-level variables hold constant
// data (no maps, which are built at run time) or sync.OnceValue closures.
func TestNoStartupWork(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.Name == "init" {
					t.Errorf("%s: func init", fset.Position(d.Pos()))
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
							case *ast.CallExpr:
								if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
									if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "sync" && strings.HasPrefix(sel.Sel.Name, "Once") {
										return true
									}
								}
								t.Errorf("%s: package-level call runs at start-up", fset.Position(n.Pos()))
							case *ast.MapType:
								t.Errorf("%s: package-level map is built at start-up", fset.Position(n.Pos()))
							}
							return true
						})
					}
				}
			}
		}
	}
}
