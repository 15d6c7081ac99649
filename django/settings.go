package django

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/containerize/containerize/internal/excerpt"
	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/pyscan"
)

// origin is where a value was written.
type origin struct {
	file string
	line int
}

func (o origin) String() string {
	if o.file == "" {
		return ""
	}
	return at(o.file, o.line)
}

// maxItems bounds a list setting, so that `A = A + A` repeated cannot blow up.
const maxItems = 4096

// capped trims items to maxItems and says so in unknown.
func capped(items []listItem, unknown []string) ([]listItem, []string) {
	if len(items) > maxItems {
		items = items[:maxItems:maxItems]
		unknown = append(unknown, "entries past the first 4096")
	}
	if len(unknown) > 64 {
		unknown = append(unknown[:63:63], "more")
	}
	return items, unknown
}

type listItem struct {
	s  string
	at origin
}

// binding is what a settings name holds after the statements run so far.
type binding struct {
	val pyscan.Value
	at  origin // where val was written (for an alias, where the aliased value was)
	// cond marks a value set only inside an if/try block.
	cond bool
	// isList, list and unknown are the value as a list of strings, when it is one;
	// unknown describes the parts that could not be read.
	isList   bool
	list     []listItem
	unknown  []string
	readsEnv bool
	// touched records dict paths ("default", "default/ENGINE") set after val was
	// assigned, by subscript assignment or update().
	touched map[string]origin
	// alts are conditional assignments that did not replace the value.
	alts []alt
	// debugOnly marks a value set only in an `if DEBUG:` branch: not what production runs;
	// prodBranch one set where DEBUG is off (`else:` of it, `if not DEBUG:`).
	debugOnly, prodBranch bool
}

type alt struct {
	val  pyscan.Value
	keys []string
	at   origin
	// debug marks an alternative set only in an `if DEBUG:` branch.
	debug bool
}

func (b *binding) touch(keys []string, o origin) {
	key := strings.Join(keys, "/")
	if b.touched == nil {
		b.touched = map[string]origin{}
	}
	for k := range b.touched {
		if strings.HasPrefix(k, key+"/") {
			delete(b.touched, k)
		}
	}
	b.touched[key] = o
}

// originOf is where the value v found at keys inside the binding was written.
func (b *binding) originOf(keys []string, v pyscan.Value) origin {
	for n := len(keys); n > 0; n-- {
		if o, ok := b.touched[strings.Join(keys[:n], "/")]; ok {
			if n < len(keys) && v.Line > 0 {
				return origin{o.file, v.Line}
			}
			return o
		}
	}
	if v.Line > 0 {
		return origin{b.at.file, v.Line}
	}
	return b.at
}

// settings evaluates the module-level statements of the settings, in order.
type settings struct {
	vars map[string]*binding
	// emailURL is the first mail configuration parsed from a URL outside a DEBUG branch
	// (env.email_url(), dj_email_url.config()), nil when there is none.
	emailURL *urlCall
}

// urlCall is a call that reads a setting group from a URL, with where it was written.
type urlCall struct {
	v  pyscan.Value
	at origin
}

func newSettings() *settings { return &settings{vars: map[string]*binding{}} }

func (s *settings) apply(e event) {
	if e.a != nil {
		s.findEmailURL(e.file, e.a.Value, e.a.Guard)
		s.assign(e.file, *e.a)
	} else if e.c != nil {
		s.findEmailURL(e.file, e.c.Value, e.c.Guard)
		s.call(e.file, *e.c)
	}
}

// debugGuard reads an if test: 1 when the branch runs only with DEBUG on (`if DEBUG:`,
// `if settings.DEBUG and …:`), -1 when only with DEBUG off (`if not DEBUG:`, the else of
// `if DEBUG:`), 0 for any other test.
func debugGuard(test string) int {
	t, sign := strings.Join(strings.Fields(test), " "), 1
	for i := 0; i < 8; i++ {
		switch {
		case strings.HasPrefix(t, "not (") && strings.HasSuffix(t, ")"):
			t, sign = t[len("not ("):len(t)-1], -sign
		case strings.HasPrefix(t, "not "):
			t, sign = t[len("not "):], -sign
		case strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")"):
			t = t[1 : len(t)-1]
		}
	}
	if first, _, ok := strings.Cut(t, " and "); ok && sign > 0 {
		t = first // DEBUG and X runs only with DEBUG on; not (DEBUG and X) says nothing
	}
	t = strings.TrimSuffix(strings.TrimSuffix(t, " is True"), " == True")
	if t == "DEBUG" || t == "settings.DEBUG" {
		return sign
	}
	return 0
}

func (s *settings) assign(file string, a pyscan.Assignment) {
	name, keys, ok := a.TargetValue.Path()
	if !ok {
		return
	}
	o := origin{file, a.Line}
	b := s.vars[name]
	cond := a.Indent > 0
	debug := cond && debugGuard(a.Guard) > 0
	if debug && b != nil && !b.debugOnly || cond && (len(keys) > 0 || a.Op != "=" || b != nil && !b.cond) {
		// A conditional change of a setting that has a module-level value: keep the
		// module-level value, remember the alternative.
		if b != nil {
			b.alts = append(b.alts, alt{a.Value, keys, o, debug})
		}
		return
	}
	switch {
	case len(keys) > 0:
		if b == nil {
			b = &binding{val: pyscan.Value{Kind: pyscan.Dict}, at: o}
			s.vars[name] = b
		}
		b.val = setPath(b.val, keys, a.Value)
		b.touch(keys, o)
		b.readsEnv = b.readsEnv || s.readsEnv(a.Value)
	case a.Op == "=":
		nb := s.bind(file, a.Value, o)
		nb.cond, nb.debugOnly, nb.prodBranch = cond, debug, cond && debugGuard(a.Guard) < 0
		if !nb.isList && a.Value.Kind == pyscan.CallExpr && b != nil && b.isList && !b.debugOnly {
			// INSTALLED_APPS = get_apps(): what the function returns cannot be read, but
			// settings helpers extend the list they are given far more often than they
			// drop it; keep the earlier entries rather than lose every app.
			nb.isList = true
			nb.list = append([]listItem(nil), b.list...)
			nb.unknown = append(append([]string(nil), b.unknown...),
				"the value of "+describe(file, a.Value)+", which replaced the entries before it (they were kept)")
		}
		if cond && b != nil {
			nb.alts = append(append(nb.alts, b.alts...), alt{b.val, nil, b.at, b.debugOnly})
		}
		s.vars[name] = nb
	case a.Op == "+=":
		if b == nil {
			b = &binding{isList: true, at: o, unknown: []string{"its value before " + o.String()}}
			s.vars[name] = b
		}
		items, unknown, _ := s.list(file, a.Value, 0)
		b.list, b.unknown = capped(append(b.list, items...), append(b.unknown, unknown...))
		b.readsEnv = b.readsEnv || s.readsEnv(a.Value)
	}
}

// bind makes the binding for `name = v`; a plain name copies what that name holds.
func (s *settings) bind(file string, v pyscan.Value, o origin) *binding {
	if v.Kind == pyscan.Name {
		if ob := s.vars[v.Str]; ob != nil {
			c := *ob
			c.list = append([]listItem(nil), ob.list...)
			c.unknown = append([]string(nil), ob.unknown...)
			c.touched = nil
			for k, t := range ob.touched {
				if c.touched == nil {
					c.touched = map[string]origin{}
				}
				c.touched[k] = t
			}
			c.alts = nil
			return &c
		}
	}
	items, unknown, isList := s.list(file, v, 0)
	return &binding{val: v, at: o, isList: isList, list: items, unknown: unknown, readsEnv: s.readsEnv(v)}
}

// list reads v as a list of strings, resolving names, +, * unpacking and list(…).
func (s *settings) list(file string, v pyscan.Value, depth int) ([]listItem, []string, bool) {
	items, unknown, isList := s.list0(file, v, depth)
	items, unknown = capped(items, unknown)
	return items, unknown, isList
}

func (s *settings) list0(file string, v pyscan.Value, depth int) (items []listItem, unknown []string, isList bool) {
	if depth > 16 {
		return nil, []string{describe(file, v)}, false
	}
	switch v.Kind {
	case pyscan.List, pyscan.Tuple:
		for _, it := range v.Items {
			switch {
			case it.Kind == pyscan.String:
				items = append(items, listItem{it.Str, origin{file, it.Line}})
			case it.Kind == pyscan.Starred && it.Left != nil:
				sub, unk, ok := s.list(file, *it.Left, depth+1)
				items, unknown = append(items, sub...), append(unknown, unk...)
				if !ok && len(unk) == 0 {
					unknown = append(unknown, describe(file, it))
				}
			default:
				unknown = append(unknown, describe(file, it))
			}
		}
		return items, unknown, true
	case pyscan.BinOp:
		if v.Op == "+" && v.Left != nil && v.Right != nil {
			l, lu, lok := s.list(file, *v.Left, depth+1)
			r, ru, rok := s.list(file, *v.Right, depth+1)
			if lok || rok {
				return append(l, r...), append(lu, ru...), true
			}
		}
	case pyscan.Name:
		if b := s.vars[v.Str]; b != nil && b.isList {
			return append([]listItem(nil), b.list...), append([]string(nil), b.unknown...), true
		}
	case pyscan.CallExpr:
		switch {
		case (v.Func == "list" || v.Func == "tuple" || v.Func == "sorted" || v.Func == "set" ||
			v.Func == "frozenset") && len(v.Args) == 1 && len(v.Kwargs) == 0:
			return s.list(file, v.Args[0], depth+1)
		case len(v.Args) > 0:
			// A function of lists (add_apps(BASE_APPS, ["x"])): keep what its arguments
			// hold and say the call may change it.
			for _, a := range v.Args {
				if sub, unk, ok := s.list(file, a, depth+1); ok {
					items, unknown, isList = append(items, sub...), append(unknown, unk...), true
				}
			}
			if isList {
				return items, append(unknown, "what "+describe(file, v)+" does with its arguments"), true
			}
		}
	case pyscan.Subscript:
		// MIDDLEWARE[:1] + [...] + MIDDLEWARE[1:] inserts into a list.
		if v.Left != nil && v.Right != nil {
			if lo, hi, ok := sliceBounds(v.Right.Text); ok {
				if items, unknown, ok := s.list(file, *v.Left, depth+1); ok && len(unknown) == 0 {
					lo, hi = clampSlice(lo, len(items)), clampSlice(hi, len(items))
					if hi < lo {
						hi = lo
					}
					return append([]listItem(nil), items[lo:hi]...), nil, true
				}
			}
		}
	}
	return nil, []string{describe(file, v)}, false
}

var sliceRE = lazy.Regexp(`^(-?[0-9]+)?:(-?[0-9]+)?$`)

// sliceBounds reads a slice with literal bounds ("1:", ":-1"); a missing end is huge.
func sliceBounds(text string) (lo, hi int, ok bool) {
	m := sliceRE().FindStringSubmatch(strings.ReplaceAll(text, " ", ""))
	if m == nil {
		return 0, 0, false
	}
	lo, hi = 0, math.MaxInt32
	var err error
	if m[1] != "" {
		if lo, err = strconv.Atoi(m[1]); err != nil {
			return 0, 0, false
		}
	}
	if m[2] != "" {
		if hi, err = strconv.Atoi(m[2]); err != nil {
			return 0, 0, false
		}
	}
	return lo, hi, true
}

// clampSlice turns a Python slice bound into an index into a list of n items.
func clampSlice(i, n int) int {
	if i < 0 {
		i += n
	}
	return min(max(i, 0), n)
}

func describe(file string, v pyscan.Value) string {
	return fmt.Sprintf("%s (%s)", excerpt.Text(strings.Join(strings.Fields(v.Text), " ")), at(file, v.Line))
}

// call applies list and dict methods called on settings: INSTALLED_APPS.append(…),
// MIDDLEWARE.insert(…), DATABASES["default"].update(…).
func (s *settings) call(file string, c pyscan.Call) {
	callee := c.Value.Left
	if callee == nil {
		return
	}
	var obj pyscan.Value
	var method string
	switch callee.Kind {
	case pyscan.Name:
		i := strings.LastIndexByte(callee.Str, '.')
		if i < 0 {
			return
		}
		obj, method = pyscan.Value{Kind: pyscan.Name, Str: callee.Str[:i]}, callee.Str[i+1:]
	case pyscan.Attribute:
		if callee.Left == nil {
			return
		}
		obj, method = *callee.Left, callee.Str
	default:
		return
	}
	name, keys, ok := obj.Path()
	b := s.vars[name]
	if !ok || b == nil {
		return
	}
	o := origin{file, c.Line}
	if c.Indent > 0 {
		if method == "update" && len(c.Args) == 1 {
			b.alts = append(b.alts, alt{c.Args[0], keys, o, debugGuard(c.Guard) > 0})
		}
		return
	}
	if len(keys) == 0 && b.isList {
		switch {
		case method == "append" && len(c.Args) == 1:
			items, unknown, _ := s.list(file, pyscan.Value{Kind: pyscan.List, Items: c.Args}, 0)
			b.list, b.unknown = append(b.list, items...), append(b.unknown, unknown...)
		case method == "extend" && len(c.Args) == 1:
			items, unknown, _ := s.list(file, c.Args[0], 0)
			b.list, b.unknown = append(b.list, items...), append(b.unknown, unknown...)
		case method == "insert" && len(c.Args) == 2:
			items, unknown, _ := s.list(file, pyscan.Value{Kind: pyscan.List, Items: c.Args[1:]}, 0)
			b.unknown = append(b.unknown, unknown...)
			i, err := strconv.Atoi(c.Args[0].Str)
			if err != nil || c.Args[0].Kind != pyscan.Number || i > len(b.list) {
				i = len(b.list)
			}
			if i < 0 {
				i = max(len(b.list)+i, 0)
			}
			b.list = append(b.list[:i], append(items, b.list[i:]...)...)
		case method == "remove" && len(c.Args) == 1 && c.Args[0].Kind == pyscan.String:
			for i, it := range b.list {
				if it.s == c.Args[0].Str {
					b.list = append(b.list[:i], b.list[i+1:]...)
					break
				}
			}
		}
		b.list, b.unknown = capped(b.list, b.unknown)
		b.readsEnv = b.readsEnv || s.readsEnv(c.Value)
		return
	}
	if method == "update" && len(c.Args) == 1 {
		arg := s.resolve(c.Args[0])
		cur, found := getPath(b.val, keys)
		if !found {
			cur = pyscan.Value{Kind: pyscan.Dict}
		}
		var merged pyscan.Value
		if arg.Kind == pyscan.Dict {
			merged = mergeDict(wrap(cur), arg)
		} else {
			// An opaque mapping (dj_database_url.config()) brings its own keys; which of
			// the known ones survive cannot be told, so it stands for the whole dict.
			merged = wrap(arg)
		}
		b.val = setPath(b.val, keys, merged)
		b.touch(keys, o)
		b.readsEnv = b.readsEnv || s.readsEnv(arg)
	}
}

// mergeDict is d.update(u) for dict literals: a key already present is replaced in place,
// as Python does, so a dict merged into itself does not grow.
func mergeDict(d, u pyscan.Value) pyscan.Value {
	d.Keys = append([]pyscan.Value(nil), d.Keys...)
	d.Items = append([]pyscan.Value(nil), d.Items...)
	index := map[string]int{}
	id := func(k pyscan.Value) string { // string keys by value, others by source text
		if k.Kind == pyscan.String {
			return "s" + k.Str
		}
		return "t" + k.Text
	}
	for j, k := range d.Keys {
		index[id(k)] = j
	}
	for i, k := range u.Keys {
		if i >= len(u.Items) {
			break
		}
		if j, ok := index[id(k)]; ok {
			d.Items[j] = u.Items[i]
		} else if len(d.Keys) < maxItems {
			index[id(k)] = len(d.Keys)
			d.Keys = append(d.Keys, k)
			d.Items = append(d.Items, u.Items[i])
		}
	}
	return d
}

// wrap turns a non-dict value into a dict that unpacks it (**v), so keys can be set on it
// without losing it.
func wrap(v pyscan.Value) pyscan.Value {
	if v.Kind == pyscan.Dict {
		return v
	}
	inner := v
	return pyscan.Value{Kind: pyscan.Dict, Text: v.Text, Line: v.Line,
		Keys:  []pyscan.Value{{Kind: pyscan.Starred, Op: "**", Left: &inner, Text: v.Text, Line: v.Line}},
		Items: []pyscan.Value{v}}
}

// setPath returns d with d[keys[0]][keys[1]]… = nv, copying what it changes.
func setPath(d pyscan.Value, keys []string, nv pyscan.Value) pyscan.Value {
	if len(keys) == 0 {
		return nv
	}
	d = wrap(d)
	d.Keys = append([]pyscan.Value(nil), d.Keys...)
	d.Items = append([]pyscan.Value(nil), d.Items...)
	for i := len(d.Keys) - 1; i >= 0; i-- {
		if d.Keys[i].Kind == pyscan.String && d.Keys[i].Str == keys[0] && i < len(d.Items) {
			d.Items[i] = setPath(d.Items[i], keys[1:], nv)
			return d
		}
	}
	d.Keys = append(d.Keys, pyscan.Value{Kind: pyscan.String, Str: keys[0], Line: nv.Line})
	d.Items = append(d.Items, setPath(pyscan.Value{Kind: pyscan.Dict}, keys[1:], nv))
	return d
}

// getPath looks keys up in nested dicts, also inside **unpacked dicts.
func getPath(v pyscan.Value, keys []string) (pyscan.Value, bool) {
	for _, k := range keys {
		next, ok := v.Get(k)
		if !ok {
			for i, key := range v.Keys {
				if key.Kind == pyscan.Starred && i < len(v.Items) {
					if next, ok = v.Items[i].Get(k); ok {
						break
					}
				}
			}
		}
		if !ok {
			return pyscan.Value{}, false
		}
		v = next
	}
	return v, true
}

// resolve replaces a plain name by the value the settings gave it.
func (s *settings) resolve(v pyscan.Value) pyscan.Value {
	for i := 0; i < 8 && v.Kind == pyscan.Name; i++ {
		b := s.vars[v.Str]
		if b == nil {
			break
		}
		v = b.val
	}
	return v
}

// readsEnv reports whether v reads the environment (see pyscan.EnvDefault), directly or
// through a setting name. It looks at a bounded number of nodes: values merged by
// update() share subtrees, and hostile settings must stay cheap.
func (s *settings) readsEnv(v pyscan.Value) bool {
	budget, found := 100000, false
	v.Walk(func(x pyscan.Value) bool {
		if found || budget <= 0 {
			return false
		}
		budget--
		if _, _, ok := pyscan.EnvDefault(x); ok {
			found = true
		} else if x.Kind == pyscan.Name {
			b := s.vars[x.Str]
			found = x.Str == "os.environ" || x.Str == "environ" || strings.HasPrefix(x.Str, "os.environ.") ||
				b != nil && b.readsEnv
		}
		return !found
	})
	return found
}

// get returns a setting's binding, nil when it is not set.
func (s *settings) get(names ...string) (string, *binding) {
	for _, n := range names {
		if b := s.vars[n]; b != nil {
			return n, b
		}
	}
	return "", nil
}
