package pyscan

import (
	"strconv"
	"strings"
)

// Kind says what sort of expression a Value is.
type Kind int

// The zero Kind is Other, so a zero Value reads as "unknown expression".
const (
	// Other is any expression the scanner does not model (comprehensions, lambdas,
	// conditional expressions, unary operators, sets, syntax errors). Op names the
	// construct when it is known: "not", "-", "~", "await", "lambda", ":=", and "if" for
	// a conditional expression (Left = body, Right = else part, Items[0] = condition).
	Other Kind = iota
	// String is a str literal, implicit concatenations included; Str is the decoded text.
	String
	// FString is an f-string (or a concatenation containing one) with replacement fields;
	// Str is the literal text with each {field} kept as written.
	FString
	// Bytes is a bytes literal; Str holds its bytes.
	Bytes
	// Number is an int, float or complex literal; Str is the source text ("-1" for a
	// negated literal).
	Number
	// Bool is True or False; Str is "True" or "False".
	Bool
	// None is the None literal.
	None
	// List and Tuple hold their elements in Items.
	List
	Tuple
	// Dict holds keys in Keys and values in Items, pairwise. A **mapping unpack has a
	// Starred key (Op "**") and the mapping as its item.
	Dict
	// CallExpr is a call (named so to leave Call for the statement type): Func is the dotted callee, Left the callee expression.
	CallExpr
	// Name is a name or a dotted attribute chain of names ("os.environ"); Str holds it.
	Name
	// Attribute is attribute access on something that is not a plain name
	// (Path(__file__).parent): Left is the object, Str the attribute.
	Attribute
	// Subscript is Left[Right].
	Subscript
	// BinOp is Left Op Right for arithmetic, bitwise, comparison ("==", "not in", "is not")
	// and boolean ("and", "or") operators.
	BinOp
	// Starred is *Left in a list, tuple or call, or **Left in a dict; Op is "*" or "**".
	Starred
)

var kindNames = [...]string{
	Other: "Other", String: "String", FString: "FString", Bytes: "Bytes", Number: "Number",
	Bool: "Bool", None: "None", List: "List", Tuple: "Tuple", Dict: "Dict", CallExpr: "CallExpr",
	Name: "Name", Attribute: "Attribute", Subscript: "Subscript", BinOp: "BinOp", Starred: "Starred",
}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one expression as a small tree.
type Value struct {
	Kind Kind
	// Str is the decoded literal for String/FString/Bytes, the dotted name for Name, the
	// attribute for Attribute, the source text for Number and Bool.
	Str string
	// Items are the elements of a List or Tuple (or set), the values of a Dict.
	Items []Value
	// Keys are a Dict's keys, parallel to Items.
	Keys []Value
	// Func is a CallExpr's callee as a dotted name ("os.environ.get"), or its source text when
	// it is not a name chain.
	Func   string
	Args   []Value
	Kwargs []Kwarg
	// Left and Right are a BinOp's operands; a Subscript's object and index; a CallExpr's
	// callee (Left); an Attribute's or Starred's object (Left).
	Left, Right *Value
	Op          string
	// Text is the source text of the whole expression, for messages.
	Text string
	// Line is the 1-based line where the expression starts.
	Line int
}

// Kwarg is a keyword argument of a call; Name is "**" for a **mapping argument.
type Kwarg struct {
	Name  string
	Value Value
}

// Assignment is one assignment statement (or one target of it).
type Assignment struct {
	// Target is the assigned name ("DEBUG"), dotted attribute ("app.conf.broker_url") or
	// subscript with literal keys, written canonically (`DATABASES["default"]["ENGINE"]`);
	// other targets are kept as source text.
	Target string
	// TargetValue is the target as an expression.
	TargetValue Value
	// Op is "=" or an augmented operator such as "+=".
	Op    string
	Value Value
	Line  int
	// Indent is the statement's indentation column; 0 means module level. A statement
	// after a compound statement's colon on the same line (`if x: y = 1`) counts as
	// nested, with Indent one more than its header.
	Indent int
	// Local is true inside a def or class body, where names are not module globals.
	Local bool
	// Guard is the test of the innermost if/elif around the statement, as written
	// ("DEBUG"); in an else branch it is "not (TEST)" of the if it belongs to. "" at
	// module level and inside blocks that are not if statements (try, for, with …)
	// unless an if encloses them.
	Guard string
	// Class is the class whose body the statement is in (inside its if/try blocks too, not
	// inside a def), "" elsewhere.
	Class string
}

// Import is one import statement (one per module for `import a, b`).
type Import struct {
	// Module is the dotted module ("config.settings.base"); "" for `from . import x`.
	Module string
	// Names are the imported names of a from-import ("*" for a star import); nil for a
	// plain import.
	Names []string
	// Level is the number of leading dots of a relative import.
	Level  int
	Line   int
	Indent int
	Local  bool
}

// Call is a statement that is a call expression (`os.environ.setdefault(...)`), at any
// indentation.
type Call struct {
	Func   string
	Args   []Value
	Kwargs []Kwarg
	Line   int
	Indent int
	Local  bool
	// Guard is as for Assignment.
	Guard string
	// Value is the whole call expression; Value.Left is the callee.
	Value Value
}

// Module is what Parse found, in source order.
type Module struct {
	Assignments []Assignment
	Imports     []Import
	Calls       []Call
	// Classes are the class statements at module level; Properties the values their
	// @property methods return.
	Classes    []Class
	Properties []Property
	// EnvHelpers are the module-level functions that read the environment variable their
	// first parameter names; Parse has already rewritten the module's own calls of them.
	EnvHelpers []EnvHelper
}

// Last returns the last module-level plain assignment ("=", not "+=") to target.
func (m *Module) Last(target string) (Assignment, bool) {
	for i := len(m.Assignments) - 1; i >= 0; i-- {
		a := m.Assignments[i]
		if a.Indent == 0 && a.Op == "=" && a.Target == target {
			return a, true
		}
	}
	return Assignment{}, false
}

// Strings returns the string items of a list or tuple, following + concatenations of
// lists and tuples. Items that are not string literals are left out.
func (v Value) Strings() []string {
	var out []string
	v.collectStrings(&out)
	return out
}

func (v Value) collectStrings(out *[]string) {
	switch v.Kind {
	case List, Tuple:
		for _, it := range v.Items {
			if it.Kind == String {
				*out = append(*out, it.Str)
			}
		}
	case BinOp:
		if v.Op == "+" && v.Left != nil && v.Right != nil {
			v.Left.collectStrings(out)
			v.Right.collectStrings(out)
		}
	}
}

// Get returns the value under a string key of a dict literal (the last one, as Python
// keeps), or the keyword argument of a dict(...) call.
func (v Value) Get(key string) (Value, bool) {
	switch v.Kind {
	case Dict:
		for i := len(v.Keys) - 1; i >= 0; i-- {
			if v.Keys[i].Kind == String && v.Keys[i].Str == key && i < len(v.Items) {
				return v.Items[i], true
			}
		}
	case CallExpr:
		if v.Func == "dict" {
			for i := len(v.Kwargs) - 1; i >= 0; i-- {
				if v.Kwargs[i].Name == key {
					return v.Kwargs[i].Value, true
				}
			}
		}
	}
	return Value{}, false
}

// Path splits a name subscripted by string literals into the name and the keys:
// `DATABASES["default"]["ENGINE"]` gives ("DATABASES", ["default", "ENGINE"]).
func (v Value) Path() (name string, keys []string, ok bool) {
	switch v.Kind {
	case Name:
		return v.Str, nil, true
	case Subscript:
		if v.Left == nil || v.Right == nil || v.Right.Kind != String {
			return "", nil, false
		}
		name, keys, ok = v.Left.Path()
		if !ok {
			return "", nil, false
		}
		return name, append(keys, v.Right.Str), true
	}
	return "", nil, false
}

// Walk calls fn for v and, while fn returns true, for every expression nested in it.
func (v Value) Walk(fn func(Value) bool) {
	if !fn(v) {
		return
	}
	for _, k := range v.Keys {
		k.Walk(fn)
	}
	for _, it := range v.Items {
		it.Walk(fn)
	}
	if v.Left != nil {
		v.Left.Walk(fn)
	}
	if v.Right != nil {
		v.Right.Walk(fn)
	}
	for _, a := range v.Args {
		a.Walk(fn)
	}
	for _, kw := range v.Kwargs {
		kw.Value.Walk(fn)
	}
}

// Template renders a string-like expression with its literal parts decoded and every
// other part as {source}: `"sqlite:///" + str(BASE_DIR / "db.sqlite3")` gives
// `sqlite:///{str(BASE_DIR / "db.sqlite3")}`. ok is false when no part is literal.
func (v Value) Template() (string, bool) {
	var b strings.Builder
	lit := v.template(&b, 0)
	return b.String(), lit
}

func (v Value) template(b *strings.Builder, depth int) bool {
	switch v.Kind {
	case String, FString, Bytes, Number, Bool:
		b.WriteString(v.Str)
		return true
	case BinOp:
		if v.Op == "+" && v.Left != nil && v.Right != nil && depth < maxDepth {
			l := v.Left.template(b, depth+1)
			r := v.Right.template(b, depth+1)
			return l || r
		}
		// "sqlite:///%s" % os.path.join(…): printf-style formatting of a literal.
		if v.Op == "%" && v.Left != nil && v.Left.Kind == String && v.Right != nil {
			b.WriteString(strings.Replace(v.Left.Str, "%s", "{"+v.Right.Text+"}", 1))
			return true
		}
	}
	b.WriteString("{" + v.Text + "}")
	return false
}

// canon writes names, attributes and literal-key subscripts canonically; ok is false for
// anything else.
func canon(v Value) (string, bool) {
	switch v.Kind {
	case Name:
		return v.Str, true
	case Attribute:
		if v.Left == nil {
			return "", false
		}
		s, ok := canon(*v.Left)
		return s + "." + v.Str, ok
	case Subscript:
		if v.Left == nil || v.Right == nil {
			return "", false
		}
		s, ok := canon(*v.Left)
		if !ok {
			return "", false
		}
		switch v.Right.Kind {
		case String:
			return s + "[" + strconv.Quote(v.Right.Str) + "]", true
		case Number:
			return s + "[" + v.Right.Str + "]", true
		}
	}
	return "", false
}

func canonOrText(v Value) string {
	if s, ok := canon(v); ok {
		return s
	}
	return v.Text
}
