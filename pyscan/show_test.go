package pyscan

import (
	"fmt"
	"strconv"
	"strings"
)

// show renders a Value compactly for table tests.
func show(v Value) string {
	switch v.Kind {
	case String:
		return strconv.Quote(v.Str)
	case FString:
		return "f" + strconv.Quote(v.Str)
	case Bytes:
		return "b" + strconv.Quote(v.Str)
	case Number, Bool, Name:
		return v.Str
	case None:
		return "None"
	case List:
		return "[" + showAll(v.Items) + "]"
	case Tuple:
		return "(" + showAll(v.Items) + ",)"
	case Dict:
		parts := make([]string, len(v.Keys))
		for i := range v.Keys {
			if v.Keys[i].Kind == Starred {
				parts[i] = show(v.Keys[i])
			} else {
				parts[i] = show(v.Keys[i]) + ": " + show(v.Items[i])
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case CallExpr:
		parts := []string{}
		if len(v.Args) > 0 {
			parts = append(parts, showAll(v.Args))
		}
		for _, kw := range v.Kwargs {
			if kw.Name == "**" {
				parts = append(parts, "**"+show(kw.Value))
			} else {
				parts = append(parts, kw.Name+"="+show(kw.Value))
			}
		}
		return v.Func + "(" + strings.Join(parts, ", ") + ")"
	case Attribute:
		return show(*v.Left) + "." + v.Str
	case Subscript:
		return show(*v.Left) + "[" + show(*v.Right) + "]"
	case BinOp:
		return "(" + show(*v.Left) + " " + v.Op + " " + show(*v.Right) + ")"
	case Starred:
		return v.Op + show(*v.Left)
	}
	if v.Op != "" {
		return fmt.Sprintf("?%s<%s>", v.Op, v.Text)
	}
	return "?<" + v.Text + ">"
}

func showAll(vs []Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = show(v)
	}
	return strings.Join(parts, ", ")
}

// showModule renders every assignment, import and call on its own line.
func showModule(m *Module) string {
	var b strings.Builder
	for _, a := range m.Assignments {
		fmt.Fprintf(&b, "%d:%d %s %s %s", a.Line, a.Indent, a.Target, a.Op, show(a.Value))
		if a.Local {
			b.WriteString(" local")
		}
		b.WriteByte('\n')
	}
	for _, im := range m.Imports {
		fmt.Fprintf(&b, "%d:%d import %s%s %v", im.Line, im.Indent, strings.Repeat(".", im.Level), im.Module, im.Names)
		if im.Local {
			b.WriteString(" local")
		}
		b.WriteByte('\n')
	}
	for _, c := range m.Calls {
		fmt.Fprintf(&b, "%d:%d call %s", c.Line, c.Indent, show(c.Value))
		if c.Local {
			b.WriteString(" local")
		}
		b.WriteByte('\n')
	}
	return b.String()
}
