package layout

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/petstore/petstore"

// imports maps each package of the module (its path relative to the module
// root, "." for the root) to the module packages its non-test files import.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	graph := map[string][]string{}
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		if _, ok := graph[rel]; !ok {
			graph[rel] = nil
		}
		for _, im := range f.Imports {
			p := strings.Trim(im.Path.Value, `"`)
			if p == module {
				p = "."
			} else if s, ok := strings.CutPrefix(p, module+"/"); ok {
				p = s
			} else {
				continue
			}
			if !slices.Contains(graph[rel], p) {
				graph[rel] = append(graph[rel], p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return graph
}

// reaches reports whether from imports to, directly or not, and through
// which chain.
func reaches(graph map[string][]string, from, to string) []string {
	seen := map[string]bool{}
	var walk func(p string, chain []string) []string
	walk = func(p string, chain []string) []string {
		if seen[p] {
			return nil
		}
		seen[p] = true
		for _, q := range graph[p] {
			c := append(slices.Clone(chain), q)
			if q == to {
				return c
			}
			if found := walk(q, c); found != nil {
				return found
			}
		}
		return nil
	}
	return walk(from, []string{from})
}

func TestAdaptersDoNotReachTheStore(t *testing.T) {
	graph := imports(t)
	for _, p := range []string{"internal/shelter", "internal/jobs", "internal/auth", "internal/ai", "web", "views"} {
		if _, ok := graph[p]; !ok {
			t.Errorf("package %s not found", p)
			continue
		}
		for _, forbidden := range []string{"internal/store", "db"} {
			if chain := reaches(graph, p, forbidden); chain != nil {
				t.Errorf("%s imports %s: %s", p, forbidden, strings.Join(chain, " → "))
			}
		}
	}
}

func TestOnlyTheWiringImportsTheStore(t *testing.T) {
	allowed := []string{".", "internal/app", "internal/store/storetest"}
	for p, deps := range imports(t) {
		if slices.Contains(deps, "internal/store") && !slices.Contains(allowed, p) {
			t.Errorf("%s imports internal/store; only %v may (the others declare the interfaces they need)", p, allowed)
		}
	}
}

func TestOnlyTheStoreImportsTheDatabase(t *testing.T) {
	for p, deps := range imports(t) {
		if slices.Contains(deps, "db") && strings.HasPrefix(p, "internal/") && p != "internal/store" {
			t.Errorf("%s imports db; under internal/ only internal/store may", p)
		}
	}
}

func TestTheDomainImportsNothingOfOurs(t *testing.T) {
	if deps := imports(t)["internal/shelter"]; len(deps) > 0 {
		t.Errorf("internal/shelter imports %v; the domain imports the standard library only", deps)
	}
}

// No exported function or method of the store takes a transaction: the
// store owns every transaction, and unexported helpers take the *txn.
func TestNoExportedStoreMethodTakesATransaction(t *testing.T) {
	dir := filepath.Join("..", "store")
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() {
				continue
			}
			if fn.Recv != nil && !receiverExported(fn.Recv) {
				continue
			}
			n++
			for _, p := range fn.Type.Params.List {
				if typ := types.ExprString(p.Type); strings.Contains(typ, "Tx") || strings.Contains(typ, "txn") {
					t.Errorf("%s: exported %s takes a transaction (%s)", fset.Position(fn.Pos()), fn.Name.Name, typ)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no exported store function found")
	}
}

// receiverExported reports whether a method's receiver type is exported.
func receiverExported(recv *ast.FieldList) bool {
	typ := recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if idx, ok := typ.(*ast.IndexExpr); ok {
		typ = idx.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}
