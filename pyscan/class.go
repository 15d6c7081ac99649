package pyscan

import "strings"

// Class is a class statement at module level.
type Class struct {
	Name string
	// Bases are the base class expressions ("Configuration", "base.Settings"); keyword
	// arguments such as metaclass= are left out.
	Bases []Value
	Line  int
	// BodyIndent is the indentation of the statements directly in the body (0 until one
	// is seen); an Assignment with this Class and a deeper Indent is inside an if/try.
	BodyIndent int
}

// Property is what a @property (or cached_property) method of a module-level class
// returns: the first return statement directly in its body.
type Property struct {
	Class, Name string
	Value       Value
	Line        int
}

// classScope is where a statement sits with respect to a module-level class.
type classScope struct {
	class    string // the class whose body holds the statement
	property string // the @property method of class whose body holds it
	state    *propState
}

// propState is shared by the statements of one property's body.
type propState struct{ done bool }

// enter returns the scope of the body a compound statement opens.
func (st stmt) enter(toks []token, colon int, decorator string) classScope {
	first := toks[0].text
	switch {
	case first == "class" && st.indent == 0 && !st.local:
		if len(toks) < 2 || toks[1].kind != tName {
			return classScope{}
		}
		c := Class{Name: toks[1].text, Line: toks[0].line}
		// The header reads as a call: Name(Base, metaclass=M) keeps the bases as arguments.
		if v := parseExpr(st.src, toks[1:colon]); v != nil && v.Kind == CallExpr {
			c.Bases = v.Args
		}
		st.m.Classes = append(st.m.Classes, c)
		return classScope{class: c.Name}
	case first == "def" && st.scope.class != "" && st.scope.property == "":
		d := strings.TrimSpace(decorator)
		if (d == "property" || strings.HasSuffix(d, "cached_property")) && len(toks) > 1 {
			return classScope{class: st.scope.class, property: toks[1].text, state: &propState{}}
		}
		return classScope{}
	case first == "def" || first == "class" || first == "async":
		return classScope{}
	}
	return st.scope
}

// returnStmt records the first return of a property directly in its body.
func (st stmt) returnStmt(toks []token) {
	sc := st.scope
	if sc.property == "" || sc.state == nil || sc.state.done || len(toks) < 2 {
		return
	}
	sc.state.done = true
	if v := parseExpr(st.src, toks[1:]); v != nil {
		st.m.Properties = append(st.m.Properties, Property{Class: sc.class, Name: sc.property, Value: *v, Line: toks[0].line})
	}
}

// noteBody records the indentation of a class's body from its first statement.
func (m *Module) noteBody(class string, indent int) {
	for i := len(m.Classes) - 1; i >= 0; i-- {
		if m.Classes[i].Name == class {
			if m.Classes[i].BodyIndent == 0 {
				m.Classes[i].BodyIndent = indent
			}
			return
		}
	}
}
