// Package pyscan scans Python source for module-level assignments, imports and calls
// without executing it. It tokenizes like Python does (comments, every string literal
// form, implicit concatenation, backslash and bracket continuation) and parses
// expressions into a small Value tree. It never fails: what it cannot model becomes a
// Value of Kind Other and scanning resumes at the next logical line.
package pyscan

import "iter"

// maxDepth bounds expression nesting (brackets, operator chains, trailers) so that
// hostile input cannot exhaust the stack; Python's own parser stops near 200 levels.
const maxDepth = 300

var keywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true,
	"async": true, "await": true, "break": true, "class": true, "continue": true,
	"def": true, "del": true, "elif": true, "else": true, "except": true, "finally": true,
	"for": true, "from": true, "global": true, "if": true, "import": true, "in": true,
	"is": true, "lambda": true, "nonlocal": true, "not": true, "or": true, "pass": true,
	"raise": true, "return": true, "try": true, "while": true, "with": true, "yield": true,
}

var compound = map[string]bool{
	"if": true, "elif": true, "else": true, "while": true, "for": true, "try": true,
	"except": true, "finally": true, "with": true, "def": true, "class": true, "async": true,
}

var augOps = map[string]bool{
	"+=": true, "-=": true, "*=": true, "/=": true, "//=": true, "%=": true, "@=": true,
	"&=": true, "|=": true, "^=": true, ">>=": true, "<<=": true, "**=": true,
}

// block is an open compound statement; local marks def and class bodies.
type block struct {
	indent int
	local  bool
	guard  string
	scope  classScope
}

// Parse scans Python source. It never fails and never panics.
func Parse(src []byte) *Module {
	s := normalize(src)
	m := &Module{}
	var stack []block
	// lastIf is the test of the last if/elif header at each indentation, so that an
	// else: branch knows what it is the else of.
	lastIf := map[int]string{}
	decorators := map[int]string{}
	var def *defState // the module-level def whose body is being read
	endDef := func() {
		if h, ok := def.helper(); ok {
			m.EnvHelpers = append(m.EnvHelpers, h)
		}
		def = nil
	}
	for _, ll := range tokenize(s) {
		for len(stack) > 0 && stack[len(stack)-1].indent >= ll.indent {
			stack = stack[:len(stack)-1]
		}
		if ll.indent == 0 {
			endDef()
			def = startDef(ll.toks)
		} else if def != nil {
			def.bodyLine(s, ll.toks)
		}
		st := stmt{src: s, m: m, indent: ll.indent, lastIf: lastIf, decorators: decorators}
		if len(stack) > 0 {
			st.local, st.guard, st.scope = stack[len(stack)-1].local, stack[len(stack)-1].guard, stack[len(stack)-1].scope
		}
		if st.scope.class != "" && st.scope.property == "" {
			m.noteBody(st.scope.class, ll.indent)
		}
		if b, ok := st.logical(ll.toks); ok {
			stack = append(stack, b)
		}
	}
	endDef()
	m.UseEnvHelpers(m.EnvHelpers)
	return m
}

type stmt struct {
	src    string
	m      *Module
	indent int
	local  bool
	guard  string
	lastIf map[int]string
	// scope says which class body (or property of one) the statement is in.
	scope      classScope
	decorators map[int]string
}

// logical handles one logical line; it returns the block a compound statement opens.
func (st stmt) logical(toks []token) (block, bool) {
	first := toks[0]
	if first.kind != tName || first.text != "if" && first.text != "elif" && first.text != "else" {
		delete(st.lastIf, st.indent) // an else: after this belongs to try/for/while
	}
	if first.kind == tOp && first.text == "@" {
		st.decorators[st.indent] = st.src[toks[0].end:toks[len(toks)-1].end]
		return block{}, false // decorator
	}
	decorator := st.decorators[st.indent]
	delete(st.decorators, st.indent)
	last := toks[len(toks)-1]
	isCompound := first.kind == tName && (compound[first.text] ||
		(first.text == "match" || first.text == "case") && len(toks) > 2 && last.kind == tOp && last.text == ":")
	if !isCompound {
		st.simple(toks)
		return block{}, false
	}
	colon := headerColon(toks)
	if colon < 0 {
		return block{}, false
	}
	local := st.local || first.text == "def" || first.text == "class" ||
		first.text == "async" && len(toks) > 1 && toks[1].text == "def"
	guard := st.guard
	switch first.text {
	case "if", "elif":
		if colon > 1 {
			guard = st.src[toks[1].start:toks[colon-1].end]
			st.lastIf[st.indent] = guard
		}
	case "else":
		if test, ok := st.lastIf[st.indent]; ok {
			guard = "not (" + test + ")"
			delete(st.lastIf, st.indent)
		}
	}
	b := block{indent: st.indent, local: local, guard: guard, scope: st.enter(toks, colon, decorator)}
	if colon+1 < len(toks) {
		body := stmt{src: st.src, m: st.m, indent: st.indent + 1, local: local, guard: guard, lastIf: st.lastIf,
			scope: b.scope, decorators: st.decorators}
		body.simple(toks[colon+1:])
	}
	return b, true
}

// topLevelOps yields the operators outside brackets and outside a lambda's parameters,
// with their index; the colon that ends a lambda's parameters is not yielded.
func topLevelOps(toks []token) iter.Seq2[int, token] {
	return func(yield func(int, token) bool) {
		depth, lambdas := 0, 0
		for i, t := range toks {
			switch {
			case t.kind == tName && t.text == "lambda" && depth == 0:
				lambdas++
			case t.kind != tOp:
			case t.text == "(" || t.text == "[" || t.text == "{":
				depth++
			case t.text == ")" || t.text == "]" || t.text == "}":
				depth = max(depth-1, 0)
			case depth > 0:
			case lambdas > 0:
				if t.text == ":" {
					lambdas--
				}
			default:
				if !yield(i, t) {
					return
				}
			}
		}
	}
}

// headerColon finds the colon ending a compound statement's header.
func headerColon(toks []token) int {
	for i, t := range topLevelOps(toks) {
		if t.text == ":" {
			return i
		}
	}
	return -1
}

// simple splits a line of simple statements at top-level semicolons.
func (st stmt) simple(toks []token) {
	start := 0
	for i, t := range topLevelOps(toks) {
		if t.text == ";" {
			st.statement(toks[start:i])
			start = i + 1
		}
	}
	st.statement(toks[start:])
}

func (st stmt) statement(toks []token) {
	if len(toks) == 0 {
		return
	}
	first := toks[0]
	if first.kind == tName {
		switch first.text {
		case "import":
			st.importStmt(toks)
			return
		case "from":
			st.fromStmt(toks)
			return
		case "True", "False", "None", "not", "lambda", "await":
		case "return":
			st.returnStmt(toks)
			return
		default:
			if keywords[first.text] {
				return // pass, return, del, global, a nested compound …
			}
		}
	}

	aug, ann := -1, -1
	var eqs []int
	for i, t := range topLevelOps(toks) {
		switch {
		case t.text == ":" && ann < 0 && aug < 0 && len(eqs) == 0:
			ann = i
		case t.text == "=":
			eqs = append(eqs, i)
		case augOps[t.text] && aug < 0 && len(eqs) == 0:
			aug = i
		}
	}

	switch {
	case aug >= 0:
		st.assign(toks[:aug], toks[aug].text, toks[aug+1:])
	case ann >= 0:
		if len(eqs) > 0 { // a bare annotation assigns nothing
			st.assign(toks[:ann], "=", toks[eqs[0]+1:])
		}
	case len(eqs) > 0:
		value := parseExpr(st.src, toks[eqs[len(eqs)-1]+1:])
		if value == nil {
			return
		}
		start := 0
		for _, eq := range eqs {
			st.target(toks[start:eq], "=", *value)
			start = eq + 1
		}
	default:
		v := parseExpr(st.src, toks)
		if v != nil && v.Kind == Other && v.Op == "await" && v.Left != nil {
			v = v.Left
		}
		if v != nil && v.Kind == CallExpr {
			st.m.Calls = append(st.m.Calls, Call{Func: v.Func, Args: v.Args, Kwargs: v.Kwargs,
				Line: v.Line, Indent: st.indent, Local: st.local, Guard: st.guard, Value: *v})
		}
	}
}

func (st stmt) assign(target []token, op string, value []token) {
	v := parseExpr(st.src, value)
	if v == nil {
		return
	}
	st.target(target, op, *v)
}

func (st stmt) target(toks []token, op string, value Value) {
	t := parseExpr(st.src, toks)
	if t == nil {
		return
	}
	st.emit(*t, op, value)
}

// emit records an assignment to one target, unpacking tuple targets.
func (st stmt) emit(t Value, op string, value Value) {
	switch t.Kind {
	case Name, Attribute, Subscript:
		st.m.Assignments = append(st.m.Assignments, Assignment{Target: canonOrText(t), TargetValue: t,
			Op: op, Value: value, Line: t.Line, Indent: st.indent, Local: st.local, Guard: st.guard,
			Class: st.scope.class})
	case Tuple, List:
		if op != "=" {
			return
		}
		if (value.Kind == Tuple || value.Kind == List) && len(value.Items) == len(t.Items) &&
			!hasStarred(t.Items) && !hasStarred(value.Items) {
			for i := range t.Items {
				st.emit(t.Items[i], op, value.Items[i])
			}
			return
		}
		// Unpacking something opaque still rebinds every name.
		unknown := Value{Kind: Other, Text: value.Text, Line: value.Line}
		for _, it := range t.Items {
			if it.Kind == Starred && it.Left != nil {
				it = *it.Left
			}
			st.emit(it, op, unknown)
		}
	}
}

func hasStarred(items []Value) bool {
	for _, it := range items {
		if it.Kind == Starred {
			return true
		}
	}
	return false
}

func (st stmt) importStmt(toks []token) {
	i := 1
	for i < len(toks) {
		mod, n := dottedName(toks, i)
		if mod == "" {
			return
		}
		i = n
		if i+1 < len(toks) && toks[i].kind == tName && toks[i].text == "as" {
			i += 2
		}
		st.m.Imports = append(st.m.Imports, Import{Module: mod, Line: toks[0].line, Indent: st.indent, Local: st.local})
		if i < len(toks) && toks[i].kind == tOp && toks[i].text == "," {
			i++
			continue
		}
		return
	}
}

func (st stmt) fromStmt(toks []token) {
	i, level := 1, 0
	for i < len(toks) && toks[i].kind == tOp && (toks[i].text == "." || toks[i].text == "...") {
		level += len(toks[i].text)
		i++
	}
	mod, n := dottedName(toks, i)
	i = n
	if mod == "" && level == 0 || i >= len(toks) || toks[i].kind != tName || toks[i].text != "import" {
		return
	}
	i++
	if i < len(toks) && toks[i].kind == tOp && toks[i].text == "(" {
		i++
	}
	var names []string
	if i < len(toks) && toks[i].kind == tOp && toks[i].text == "*" {
		names = []string{"*"}
	} else {
		for i < len(toks) && toks[i].kind == tName && !keywords[toks[i].text] {
			names = append(names, toks[i].text)
			i++
			if i+1 < len(toks) && toks[i].kind == tName && toks[i].text == "as" {
				i += 2
			}
			if i < len(toks) && toks[i].kind == tOp && toks[i].text == "," {
				i++
				continue
			}
			break
		}
	}
	if len(names) == 0 {
		return
	}
	st.m.Imports = append(st.m.Imports, Import{Module: mod, Names: names, Level: level,
		Line: toks[0].line, Indent: st.indent, Local: st.local})
}

// dottedName reads NAME(.NAME)* at toks[i]; it returns "" when there is no name.
func dottedName(toks []token, i int) (string, int) {
	if i >= len(toks) || toks[i].kind != tName || keywords[toks[i].text] {
		return "", i
	}
	name := toks[i].text
	i++
	for i+1 < len(toks) && toks[i].kind == tOp && toks[i].text == "." && toks[i+1].kind == tName {
		name += "." + toks[i+1].text
		i += 2
	}
	return name, i
}

// parseExpr parses a whole token slice as an expression list. It returns nil for an empty
// slice and a Value of Kind Other when the tokens are not a complete expression.
func parseExpr(src string, toks []token) *Value {
	if len(toks) == 0 {
		return nil
	}
	p := &parser{src: src, toks: toks}
	v := p.exprList()
	if p.bad || p.pos < len(toks) {
		v = Value{Kind: Other, Text: src[toks[0].start:toks[len(toks)-1].end], Line: toks[0].line}
	}
	return &v
}
