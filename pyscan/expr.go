package pyscan

import (
	"slices"
	"strings"
)

// parser parses the expressions of one statement. Syntax it does not understand yields
// Kind Other; inside brackets it skips to the next comma or closing bracket and goes on.
type parser struct {
	src   string
	toks  []token
	pos   int
	depth int
	bad   bool // nesting too deep: give up on the statement
}

func (p *parser) peek() token { return p.peekAt(0) }

func (p *parser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return token{kind: tEOF}
}

func (p *parser) isOp(s string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == s
}

func (p *parser) isKw(s string) bool {
	t := p.peek()
	return t.kind == tName && t.text == s
}

func isCloser(t token) bool {
	return t.kind == tOp && (t.text == ")" || t.text == "]" || t.text == "}")
}

func isOpener(t token) bool {
	return t.kind == tOp && (t.text == "(" || t.text == "[" || t.text == "{")
}

// enter counts one level of nesting; past maxDepth the statement is abandoned.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		p.bad = true
	}
	return !p.bad
}

func (p *parser) leave() { p.depth-- }

// span finishes v with the source text and line of the tokens from start to p.pos.
func (p *parser) span(v Value, start int) Value {
	if start < len(p.toks) {
		v.Line = p.toks[start].line
	}
	if start < p.pos {
		v.Text = p.src[p.toks[start].start:p.toks[p.pos-1].end]
	}
	return v
}

func (p *parser) other(start int) Value { return p.span(Value{Kind: Other}, start) }

// skipTo advances to the next closing bracket, or token at the same nesting level that
// stop accepts (nil accepts none), without consuming it.
func (p *parser) skipTo(stop func(token) bool) {
	depth := 0
	for p.pos < len(p.toks) {
		t := p.toks[p.pos]
		switch {
		case isOpener(t):
			depth++
		case isCloser(t):
			if depth == 0 {
				return
			}
			depth--
		case depth == 0 && stop != nil && stop(t):
			return
		}
		p.pos++
	}
}

// isTok returns a stop for skipTo: a token of the kind with the text.
func isTok(kind tokKind, text string) func(token) bool {
	return func(t token) bool { return t.kind == kind && t.text == text }
}

func (p *parser) canStartExpr() bool {
	t := p.peek()
	switch t.kind {
	case tName:
		return !keywords[t.text] || strings.Contains(" True False None not lambda await ", " "+t.text+" ")
	case tNumber, tString:
		return true
	case tOp:
		return strings.Contains(" ( [ { - + ~ * ... ", " "+t.text+" ")
	}
	return false
}

// exprList parses `x` or `x, y, …` (a tuple without brackets).
func (p *parser) exprList() Value {
	start := p.pos
	first := p.starOrTest()
	if !p.isOp(",") {
		return first
	}
	items := []Value{first}
	for p.isOp(",") && !p.bad {
		p.pos++
		if !p.canStartExpr() {
			break
		}
		items = append(items, p.starOrTest())
	}
	return p.span(Value{Kind: Tuple, Items: items}, start)
}

func (p *parser) starOrTest() Value {
	if !p.isOp("*") {
		return p.test()
	}
	start := p.pos
	p.pos++
	inner := p.binary(0)
	return p.span(Value{Kind: Starred, Op: "*", Left: &inner}, start)
}

// test is Python's "expression": a conditional expression, lambda or walrus.
func (p *parser) test() Value {
	start := p.pos
	if !p.enter() {
		return Value{}
	}
	defer p.leave()
	if p.isKw("lambda") {
		p.pos++
		p.skipTo(isTok(tOp, ":"))
		if p.isOp(":") {
			p.pos++
			body := p.test()
			return p.span(Value{Kind: Other, Op: "lambda", Left: &body}, start)
		}
		return p.other(start)
	}
	v := p.orTest()
	if p.isKw("if") {
		p.pos++
		cond := p.orTest()
		if !p.isKw("else") {
			return p.other(start)
		}
		p.pos++
		orelse := p.test()
		return p.span(Value{Kind: Other, Op: "if", Left: &v, Right: &orelse, Items: []Value{cond}}, start)
	}
	if p.isOp(":=") && v.Kind == Name {
		p.pos++
		rhs := p.test()
		return p.span(Value{Kind: Other, Op: ":=", Left: &v, Right: &rhs}, start)
	}
	return v
}

func binop(l Value, op string, r Value) Value {
	return Value{Kind: BinOp, Op: op, Left: &l, Right: &r}
}

func (p *parser) orTest() Value  { return p.boolOp("or", p.andTest) }
func (p *parser) andTest() Value { return p.boolOp("and", p.notTest) }

// boolOp parses a left-associative chain of `and` or `or`.
func (p *parser) boolOp(kw string, operand func() Value) Value {
	start, depth := p.pos, p.depth
	defer func() { p.depth = depth }()
	v := operand()
	for p.isKw(kw) && p.enter() {
		p.pos++
		r := operand()
		v = p.span(binop(v, kw, r), start)
	}
	return v
}

func (p *parser) notTest() Value {
	if !p.isKw("not") {
		return p.comparison()
	}
	start := p.pos
	if !p.enter() {
		return Value{}
	}
	defer p.leave()
	p.pos++
	x := p.notTest()
	return p.span(Value{Kind: Other, Op: "not", Left: &x}, start)
}

var compareOps = map[string]bool{"<": true, ">": true, "==": true, ">=": true, "<=": true, "!=": true}

func (p *parser) comparison() Value {
	start, depth := p.pos, p.depth
	defer func() { p.depth = depth }()
	v := p.binary(0)
	for !p.bad {
		t := p.peek()
		var op string
		switch {
		case t.kind == tOp && compareOps[t.text]:
			op = t.text
		case t.kind == tName && t.text == "in":
			op = "in"
		case t.kind == tName && t.text == "not" && p.peekAt(1).kind == tName && p.peekAt(1).text == "in":
			op = "not in"
			p.pos++
		case t.kind == tName && t.text == "is":
			op = "is"
			if n := p.peekAt(1); n.kind == tName && n.text == "not" {
				op = "is not"
				p.pos++
			}
		default:
			return v
		}
		if !p.enter() {
			return v
		}
		p.pos++
		r := p.binary(0)
		v = p.span(binop(v, op, r), start)
	}
	return v
}

var binLevels = [][]string{{"|"}, {"^"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "//", "%", "@"}}

// binary parses the left-associative arithmetic and bitwise operators by precedence.
func (p *parser) binary(level int) Value {
	if level == len(binLevels) {
		return p.factor()
	}
	start, depth := p.pos, p.depth
	defer func() { p.depth = depth }()
	v := p.binary(level + 1)
	for !p.bad {
		t := p.peek()
		if t.kind != tOp || !slices.Contains(binLevels[level], t.text) || !p.enter() {
			return v
		}
		p.pos++
		r := p.binary(level + 1)
		v = p.span(binop(v, t.text, r), start)
	}
	return v
}

// factor parses unary + - ~.
func (p *parser) factor() Value {
	t := p.peek()
	if t.kind != tOp || (t.text != "-" && t.text != "+" && t.text != "~") {
		return p.power()
	}
	start := p.pos
	if !p.enter() {
		return Value{}
	}
	defer p.leave()
	p.pos++
	x := p.factor()
	if x.Kind == Number && t.text != "~" {
		return p.span(Value{Kind: Number, Str: t.text + x.Str}, start)
	}
	return p.span(Value{Kind: Other, Op: t.text, Left: &x}, start)
}

func (p *parser) power() Value {
	start := p.pos
	var v Value
	if p.isKw("await") {
		p.pos++
		x := p.primary()
		v = p.span(Value{Kind: Other, Op: "await", Left: &x}, start)
	} else {
		v = p.primary()
	}
	if !p.isOp("**") || !p.enter() {
		return v
	}
	defer p.leave()
	p.pos++
	r := p.factor()
	return p.span(binop(v, "**", r), start)
}

// primary parses an atom followed by .attr, (call) and [subscript] trailers.
func (p *parser) primary() Value {
	start, depth := p.pos, p.depth
	defer func() { p.depth = depth }()
	v := p.atom()
	for !p.bad {
		t := p.peek()
		if t.kind != tOp || (t.text != "." && t.text != "(" && t.text != "[") {
			return v
		}
		if t.text == "." && p.peekAt(1).kind != tName {
			return v
		}
		if !p.enter() {
			return v
		}
		switch t.text {
		case ".":
			attr := p.peekAt(1).text
			p.pos += 2
			if v.Kind == Name {
				v = p.span(Value{Kind: Name, Str: v.Str + "." + attr}, start)
			} else {
				obj := v
				v = p.span(Value{Kind: Attribute, Str: attr, Left: &obj}, start)
			}
		case "(":
			callee := v
			args, kwargs, ok := p.callArgs()
			k := CallExpr
			if !ok {
				k = Other
			}
			v = p.span(Value{Kind: k, Func: canonOrText(callee), Args: args, Kwargs: kwargs, Left: &callee}, start)
		case "[":
			obj := v
			idx, ok := p.subscript()
			k := Subscript
			if !ok {
				k = Other
			}
			v = p.span(Value{Kind: k, Left: &obj, Right: &idx}, start)
		}
	}
	return v
}

// callArgs parses "(args)"; ok is false when the parenthesis is not closed properly.
func (p *parser) callArgs() (args []Value, kwargs []Kwarg, ok bool) {
	p.pos++ // (
	first := true
	for !p.bad {
		t := p.peek()
		if t.kind == tEOF {
			return args, kwargs, false
		}
		if isCloser(t) {
			p.pos++
			return args, kwargs, t.text == ")"
		}
		itemStart := p.pos
		var kw *Kwarg
		switch {
		case t.kind == tOp && (t.text == "*" || t.text == "**"):
			p.pos++
			x := p.test()
			if t.text == "*" {
				args = append(args, p.span(Value{Kind: Starred, Op: "*", Left: &x}, itemStart))
			} else {
				kwargs = append(kwargs, Kwarg{Name: "**", Value: x})
				kw = &kwargs[len(kwargs)-1]
			}
		case t.kind == tName && !keywords[t.text] && p.peekAt(1).kind == tOp && p.peekAt(1).text == "=":
			p.pos += 2
			kwargs = append(kwargs, Kwarg{Name: t.text, Value: p.test()})
			kw = &kwargs[len(kwargs)-1]
		default:
			x := p.test()
			if first && (p.isKw("for") || p.isKw("async")) { // a generator argument
				x = p.comprehension(itemStart, x, false) // the ')' is the call's
			}
			args = append(args, x)
		}
		first = false
		t = p.peek()
		if t.kind == tOp && t.text == "," {
			p.pos++
			continue
		}
		if isCloser(t) || t.kind == tEOF {
			continue
		}
		p.skipTo(isTok(tOp, ",")) // garbage after the argument: the argument is unknown
		if kw != nil {
			kw.Value = p.other(itemStart)
		} else {
			args[len(args)-1] = p.other(itemStart)
		}
	}
	return args, kwargs, false
}

// subscript parses "[index]"; slices and broken indexes become Other.
func (p *parser) subscript() (Value, bool) {
	p.pos++ // [
	start := p.pos
	if !isCloser(p.peek()) {
		idx := p.exprList()
		if p.isOp("]") {
			p.pos++
			return idx, true
		}
	}
	p.skipTo(nil)
	v := p.other(start)
	if p.isOp("]") {
		p.pos++
		return v, true
	}
	if isCloser(p.peek()) {
		p.pos++
	}
	return v, false
}

func (p *parser) atom() Value {
	t := p.peek()
	start := p.pos
	switch t.kind {
	case tName:
		switch t.text {
		case "True", "False":
			p.pos++
			return p.span(Value{Kind: Bool, Str: t.text}, start)
		case "None":
			p.pos++
			return p.span(Value{Kind: None}, start)
		case "yield":
			p.skipTo(nil)
			return p.other(start)
		}
		if keywords[t.text] {
			return p.other(start)
		}
		p.pos++
		return p.span(Value{Kind: Name, Str: t.text}, start)
	case tNumber:
		p.pos++
		return p.span(Value{Kind: Number, Str: t.text}, start)
	case tString:
		return p.strings()
	case tOp:
		switch t.text {
		case "(", "[", "{":
			// Every bracket counts as a level: *x and **x items reach the next
			// bracket without passing through test().
			if !p.enter() {
				return Value{}
			}
			defer p.leave()
			switch t.text {
			case "(":
				return p.paren()
			case "[":
				return p.list()
			}
			return p.dict()
		case "...":
			p.pos++
			return p.other(start)
		}
	}
	return p.other(start) // nothing consumed; the caller recovers
}

// strings joins adjacent string literals, as Python does.
func (p *parser) strings() Value {
	start := p.pos
	var b strings.Builder
	fields, nStr, nBytes := false, 0, 0
	for p.peek().kind == tString {
		t := p.peek()
		p.pos++
		b.WriteString(t.val)
		fields = fields || t.fields
		if t.isBytes {
			nBytes++
		} else {
			nStr++
		}
	}
	k := String
	switch {
	case nBytes > 0 && nStr > 0: // a TypeError in Python
		return p.other(start)
	case nBytes > 0:
		k = Bytes
	case fields:
		k = FString
	}
	return p.span(Value{Kind: k, Str: b.String()}, start)
}

// seq parses comma-separated items up to a closing bracket, after the first item has
// been parsed. A broken item becomes Other. ok is false when the bracket is not closed
// by closer.
func (p *parser) seq(closer string, items []Value, itemStart int, item func() Value) ([]Value, bool) {
	need := len(items) > 0 // an item was just parsed: a comma or the closer must follow
	for !p.bad {
		t := p.peek()
		if t.kind == tEOF {
			return items, false
		}
		if isCloser(t) {
			p.pos++
			return items, t.text == closer
		}
		if need {
			if t.kind == tOp && t.text == "," {
				p.pos++
				need = false
				continue
			}
			p.skipTo(isTok(tOp, ","))
			items[len(items)-1] = p.other(itemStart)
			continue
		}
		itemStart = p.pos
		items = append(items, item())
		need = true
	}
	return items, false
}

// comprehension parses the rest of a comprehension or generator after its element, and
// its closer when closer is set. The result is Other with Op "for" and Items holding the element, then each
// iterable and condition, so that Walk sees what it reads.
func (p *parser) comprehension(start int, elem Value, closer bool) Value {
	parts := []Value{elem}
	for !p.bad {
		if p.isKw("async") {
			p.pos++
		}
		if !p.isKw("for") {
			break
		}
		p.pos++
		p.skipTo(isTok(tName, "in")) // the loop targets
		if !p.isKw("in") {
			break
		}
		p.pos++
		parts = append(parts, p.orTest())
		for p.isKw("if") && !p.bad {
			p.pos++
			parts = append(parts, p.orTest())
		}
	}
	p.skipTo(nil)
	if closer && isCloser(p.peek()) {
		p.pos++
	}
	return p.span(Value{Kind: Other, Op: "for", Items: parts}, start)
}

func (p *parser) paren() Value {
	start := p.pos
	p.pos++
	if p.isOp(")") {
		p.pos++
		return p.span(Value{Kind: Tuple}, start)
	}
	if p.isKw("yield") {
		p.skipTo(nil)
		if isCloser(p.peek()) {
			p.pos++
		}
		return p.other(start)
	}
	itemStart := p.pos
	first := p.starOrTest()
	if p.isKw("for") || p.isKw("async") {
		return p.comprehension(start, first, true)
	}
	if p.isOp(")") {
		p.pos++
		if first.Kind == Starred {
			return p.other(start)
		}
		return first
	}
	items, ok := p.seq(")", []Value{first}, itemStart, p.starOrTest)
	return p.sequence(Tuple, items, ok, start)
}

// sequence is a tuple or list read from start: of kind, or Other when an item could not be read.
func (p *parser) sequence(kind Kind, items []Value, ok bool, start int) Value {
	if !ok {
		kind = Other
	}
	return p.span(Value{Kind: kind, Items: items}, start)
}

func (p *parser) list() Value {
	start := p.pos
	p.pos++
	if p.isOp("]") {
		p.pos++
		return p.span(Value{Kind: List}, start)
	}
	itemStart := p.pos
	first := p.starOrTest()
	if p.isKw("for") || p.isKw("async") {
		return p.comprehension(start, first, true)
	}
	items, ok := p.seq("]", []Value{first}, itemStart, p.starOrTest)
	return p.sequence(List, items, ok, start)
}

// dictItem parses `key: value` or `**mapping` into a Value with Op ":" or a Starred.
func (p *parser) dictItem() Value {
	start := p.pos
	if p.isOp("**") {
		p.pos++
		x := p.binary(0)
		return p.span(Value{Kind: Starred, Op: "**", Left: &x}, start)
	}
	k := p.test()
	if !p.isOp(":") {
		return k
	}
	p.pos++
	v := p.test()
	return p.span(Value{Kind: Other, Op: ":", Left: &k, Right: &v}, start)
}

func (p *parser) dict() Value {
	start := p.pos
	p.pos++
	if p.isOp("}") {
		p.pos++
		return p.span(Value{Kind: Dict}, start)
	}
	itemStart := p.pos
	first := p.dictItem()
	if p.isKw("for") || p.isKw("async") {
		return p.comprehension(start, first, true)
	}
	isDict := first.Op == ":" || first.Kind == Starred && first.Op == "**"
	if !isDict { // a set
		items, _ := p.seq("}", []Value{first}, itemStart, p.starOrTest)
		return p.span(Value{Kind: Other, Items: items}, start)
	}
	pairs, ok := p.seq("}", []Value{first}, itemStart, p.dictItem)
	if !ok {
		return p.other(start)
	}
	d := Value{Kind: Dict}
	for _, pr := range pairs {
		switch {
		case pr.Op == ":" && pr.Kind == Other && pr.Left != nil && pr.Right != nil:
			d.Keys = append(d.Keys, *pr.Left)
			d.Items = append(d.Items, *pr.Right)
		case pr.Kind == Starred && pr.Op == "**" && pr.Left != nil:
			d.Keys = append(d.Keys, pr)
			d.Items = append(d.Items, *pr.Left)
		default:
			d.Keys = append(d.Keys, Value{Kind: Other, Text: pr.Text, Line: pr.Line})
			d.Items = append(d.Items, Value{Kind: Other, Text: pr.Text, Line: pr.Line})
		}
	}
	return p.span(d, start)
}
