package pyscan

import (
	"slices"
	"strings"
)

// EnvHelper is a function of the project's own that reads the environment variable its
// first parameter names (def envbool(name, default): v = os.getenv(name, default) …):
// its calls are environment reads, with the variable as the first argument.
type EnvHelper struct {
	Name string
	// Params are the parameter names, in order (self and * markers left out); Default is
	// the index of the one that holds the default (named default…), -1 for none.
	Params  []string
	Default int
	// Cast is what it turns the value into ("bool", "int", "list", "float"), from its
	// return annotation or its name; "" for a string.
	Cast string
	// On is the string its result is compared with to be true (return v == "True",
	// return v.lower() in ("true", "1")), "" when it returns no comparison.
	On   string
	Line int
}

// defState collects one module-level def while its body is parsed.
type defState struct {
	h       EnvHelper
	reads   bool
	arrow   string
	lastCmp string
}

// startDef reads a module-level `def name(params) -> ann:` header.
func startDef(toks []token) *defState {
	if len(toks) < 3 || toks[0].text != "def" || toks[1].kind != tName || toks[2].text != "(" {
		return nil
	}
	d := &defState{h: EnvHelper{Name: toks[1].text, Line: toks[0].line}}
	depth, expectName := 0, true
	i := 2
	for ; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.kind == tOp && (t.text == "(" || t.text == "[" || t.text == "{"):
			depth++
		case t.kind == tOp && (t.text == ")" || t.text == "]" || t.text == "}"):
			depth--
		case depth == 1 && t.kind == tOp && t.text == ",":
			expectName = true
		case depth == 1 && t.kind == tOp && (t.text == "*" || t.text == "**" || t.text == "/"):
			expectName = t.text != "/" // *args names a parameter; a bare * or / does not
			if t.text == "*" && i+1 < len(toks) && toks[i+1].text == "," {
				expectName = false
			}
		case depth == 1 && expectName && t.kind == tName:
			if t.text != "self" && t.text != "cls" {
				d.h.Params = append(d.h.Params, t.text)
			}
			expectName = false
		}
		if depth == 0 {
			break
		}
	}
	for j := i + 1; j+1 < len(toks); j++ {
		if toks[j].text == "->" && toks[j+1].kind == tName {
			d.arrow = toks[j+1].text
		}
	}
	return d
}

// bodyLine reads one logical line of the def's body: whether it reads the variable the
// first parameter names, and the comparison a return makes.
func (d *defState) bodyLine(src string, toks []token) {
	if len(d.h.Params) == 0 || len(toks) == 0 {
		return
	}
	expr := toks
	isReturn := toks[0].text == "return"
	switch {
	case isReturn:
		expr = toks[1:]
	case toks[0].kind == tName && (toks[0].text == "if" || toks[0].text == "elif" || toks[0].text == "while"):
		if c := headerColon(toks); c > 1 {
			expr = toks[1:c]
		}
	default:
		for i, t := range topLevelOps(toks) {
			if t.text == "=" || t.text == ":=" {
				expr = toks[i+1:]
			}
		}
	}
	v := parseExpr(src, expr)
	if v == nil {
		return
	}
	param := d.h.Params[0]
	v.Walk(func(x Value) bool {
		d.reads = d.reads || readsNamed(x, param)
		return !d.reads
	})
	if isReturn && v.Kind == BinOp && v.Right != nil {
		switch {
		case v.Op == "==" && v.Right.Kind == String:
			d.lastCmp = v.Right.Str
		case v.Op == "in":
			if opts := v.Right.Strings(); len(opts) > 0 {
				d.lastCmp = opts[0]
			}
		}
	}
}

// readsNamed reports whether x reads the environment variable a name holds:
// os.getenv(name, …), os.environ.get(name), os.environ[name].
func readsNamed(x Value, param string) bool {
	isParam := func(a Value) bool { return a.Kind == Name && a.Str == param }
	switch x.Kind {
	case Subscript:
		return x.Left != nil && x.Left.Kind == Name && isEnviron(x.Left.Str) && x.Right != nil && isParam(*x.Right)
	case CallExpr:
		switch {
		case x.Func == "os.getenv", x.Func == "getenv", x.Func == "os.environ.get", x.Func == "environ.get",
			x.Func == "os.environ.setdefault", x.Func == "environ.setdefault",
			x.Func == "env", x.Func == "config", x.Func == "decouple.config",
			strings.HasPrefix(x.Func, "env.") && strings.Count(x.Func, ".") == 1:
			// os.environ, django-environ's env / env.bool …, python-decouple's config.
			return len(x.Args) > 0 && isParam(x.Args[0])
		}
	}
	return false
}

// helper is the EnvHelper a finished def makes, if it reads its first parameter.
func (d *defState) helper() (EnvHelper, bool) {
	if d == nil || !d.reads {
		return EnvHelper{}, false
	}
	h := d.h
	h.On = d.lastCmp
	h.Default = slices.IndexFunc(h.Params, func(p string) bool { return strings.HasPrefix(p, "default") })
	lower := strings.ToLower(h.Name)
	switch {
	case d.arrow == "bool" || d.arrow == "int" || d.arrow == "float" || d.arrow == "list":
		h.Cast = d.arrow
	case strings.Contains(lower, "bool"):
		h.Cast = "bool"
	case strings.Contains(lower, "int"):
		h.Cast = "int"
	case strings.Contains(lower, "float"):
		h.Cast = "float"
	case strings.Contains(lower, "list"):
		h.Cast = "list"
	}
	return h, true
}

// UseEnvHelpers rewrites the calls of the helpers in the module's module-level
// statements into the reads they make: envbool("DEBUG", "True") becomes
// os.getenv("DEBUG", "True") == "True" (the comparison the helper returns), or a cast
// around the read (bool(os.getenv(…))), keeping the call's text and line.
func (m *Module) UseEnvHelpers(hs []EnvHelper) {
	if len(hs) == 0 {
		return
	}
	byName := map[string]EnvHelper{}
	for _, h := range hs {
		byName[h.Name] = h
	}
	for i := range m.Assignments {
		if !m.Assignments[i].Local {
			m.Assignments[i].Value = expandHelpers(m.Assignments[i].Value, byName, 0)
		}
	}
	for i := range m.Calls {
		if c := &m.Calls[i]; !c.Local {
			c.Value = expandHelpers(c.Value, byName, 0)
			c.Args, c.Kwargs = c.Value.Args, c.Value.Kwargs
		}
	}
}

func expandHelpers(v Value, hs map[string]EnvHelper, depth int) Value {
	if depth > 32 {
		return v
	}
	if v.Kind == CallExpr {
		if h, ok := hs[v.Func]; ok && len(v.Args) > 0 && v.Args[0].Kind == String {
			return h.read(v)
		}
	}
	out := v
	sub := func(vs []Value) []Value {
		if len(vs) == 0 {
			return vs
		}
		c := make([]Value, len(vs))
		for i, x := range vs {
			c[i] = expandHelpers(x, hs, depth+1)
		}
		return c
	}
	out.Items, out.Keys, out.Args = sub(v.Items), sub(v.Keys), sub(v.Args)
	if len(v.Kwargs) > 0 {
		out.Kwargs = make([]Kwarg, len(v.Kwargs))
		for i, kw := range v.Kwargs {
			out.Kwargs[i] = Kwarg{kw.Name, expandHelpers(kw.Value, hs, depth+1)}
		}
	}
	if v.Left != nil && v.Kind != CallExpr {
		l := expandHelpers(*v.Left, hs, depth+1)
		out.Left = &l
	}
	if v.Right != nil {
		r := expandHelpers(*v.Right, hs, depth+1)
		out.Right = &r
	}
	return out
}

// read is the environment read a call of the helper makes.
func (h EnvHelper) read(call Value) Value {
	args := []Value{call.Args[0]}
	def := Value{}
	if h.Default > 0 {
		def = arg(call, h.Default, h.Params[h.Default])
	}
	if def.Kind != Other || def.Text != "" {
		args = append(args, def)
	}
	callee := Value{Kind: Name, Str: "os.getenv", Text: "os.getenv", Line: call.Line}
	read := Value{Kind: CallExpr, Func: "os.getenv", Left: &callee, Args: args, Text: call.Text, Line: call.Line}
	switch {
	case h.On != "":
		on := Value{Kind: String, Str: h.On, Text: `"` + h.On + `"`, Line: call.Line}
		return Value{Kind: BinOp, Op: "==", Left: &read, Right: &on, Text: call.Text, Line: call.Line}
	case h.Cast != "":
		fn := Value{Kind: Name, Str: h.Cast, Text: h.Cast, Line: call.Line}
		return Value{Kind: CallExpr, Func: h.Cast, Left: &fn, Args: []Value{read}, Text: call.Text, Line: call.Line}
	}
	return read
}
