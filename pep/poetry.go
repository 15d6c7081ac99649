package pep

import (
	"fmt"
	"strconv"
	"strings"
)

// PoetryToPEP440 converts a Poetry version constraint into a PEP 440
// specifier: "^1.2.3" -> ">=1.2.3,<2.0.0", "~1.2" -> ">=1.2,<1.3",
// "1.2.3" -> "==1.2.3", "*" -> "", ">=1.2 <2" -> ">=1.2,<2". PEP 440 has no
// "or": for "A || B" the result is the smallest range covering both, which
// can only admit more versions than Poetry would, never fewer.
func PoetryToPEP440(c string) (string, error) {
	c = strings.TrimSpace(c)
	if c == "" || c == "*" {
		return "", nil
	}
	alts := splitOr(c)
	if len(alts) == 1 {
		return poetryAnd(alts[0])
	}
	specs := make([]string, 0, len(alts))
	for _, a := range alts {
		s, err := poetryAnd(a)
		if err != nil {
			return "", err
		}
		specs = append(specs, s)
	}
	return hull(specs)
}

// PoetryPythonMarker turns the Poetry "python" constraint of a dependency
// into an environment marker: "^3.9" -> python_version >= "3.9" and
// python_version < "4.0"; "" for any Python.
func PoetryPythonMarker(c string) (string, error) {
	spec, err := PoetryToPEP440(c)
	if err != nil || spec == "" {
		return "", err
	}
	var parts []string
	for cl := range strings.SplitSeq(spec, ",") {
		op, v := splitOp(cl)
		variable := "python_version"
		if strings.Count(strings.TrimSuffix(v, ".*"), ".") >= 2 {
			variable = "python_full_version"
		}
		// A marker string has no escapes: quote with what the version lacks.
		quote := `"`
		if strings.Contains(v, quote) {
			quote = "'"
			if strings.Contains(v, quote) {
				return "", fmt.Errorf("version %s has both kinds of quotes", v)
			}
		}
		parts = append(parts, variable+" "+op+" "+quote+v+quote)
	}
	return strings.Join(parts, " and "), nil
}

func splitOr(c string) []string {
	var out []string
	for a := range strings.SplitSeq(strings.ReplaceAll(c, "||", "|"), "|") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// poetryAnd converts clauses separated by commas or spaces ("AND").
func poetryAnd(c string) (string, error) {
	var parts []string
	i := 0
	for i < len(c) {
		for i < len(c) && (c[i] == ' ' || c[i] == ',' || c[i] == '\t') {
			i++
		}
		if i >= len(c) {
			break
		}
		start := i
		for i < len(c) && strings.IndexByte("<>=!~^", c[i]) >= 0 {
			i++
		}
		op := c[start:i]
		for i < len(c) && (c[i] == ' ' || c[i] == '\t') {
			i++
		}
		vs := i
		for i < len(c) && c[i] != ' ' && c[i] != ',' && c[i] != '\t' {
			i++
		}
		v := c[vs:i]
		if v == "" {
			return "", fmt.Errorf("invalid constraint %q: %q has no version", c, op)
		}
		clause, err := poetryClause(op, v)
		if err != nil {
			return "", fmt.Errorf("invalid constraint %q: %w", c, err)
		}
		if clause != "" {
			parts = append(parts, clause)
		}
	}
	spec, err := ValidateSpecifier(strings.Join(parts, ","))
	if err != nil {
		return "", fmt.Errorf("constraint %q: %w", c, err)
	}
	return spec, nil
}

// releaseNums splits a version into its release numbers and the rest, as
// ^v?([0-9]+(?:\.[0-9]+)*)(.*)$ would: "v1.2.3rc1" -> "1.2.3", "rc1".
func releaseNums(v string) (nums, rest string, ok bool) {
	s := strings.TrimPrefix(v, "v")
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return "", "", false
	}
	for i+1 < len(s) && s[i] == '.' && '0' <= s[i+1] && s[i+1] <= '9' {
		i++
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	}
	return s[:i], s[i:], true
}

func poetryClause(op, v string) (string, error) {
	switch op {
	case "":
		if v == "*" {
			return "", nil
		}
		return "==" + v, nil
	case "=":
		return "==" + v, nil
	case "==", "!=", "<", "<=", ">", ">=", "~=", "===":
		return op + v, nil
	case "^", "~":
		release, _, ok := releaseNums(v)
		if !ok {
			return "", fmt.Errorf("%s%s: expected a version", op, v)
		}
		var nums []int
		for p := range strings.SplitSeq(release, ".") {
			n, err := strconv.Atoi(p)
			if err != nil {
				return "", fmt.Errorf("%s%s: version part %q is too large", op, v, p)
			}
			nums = append(nums, n)
		}
		bump := 0
		if op == "^" {
			// The first non-zero part may change; if all are zero, the last.
			bump = len(nums) - 1
			for j, n := range nums {
				if n != 0 {
					bump = j
					break
				}
			}
		} else if len(nums) > 1 {
			bump = 1
		}
		upper := make([]string, len(nums))
		for j := range nums {
			switch {
			case j < bump:
				upper[j] = strconv.Itoa(nums[j])
			case j == bump:
				upper[j] = strconv.Itoa(nums[j] + 1)
			default:
				upper[j] = "0"
			}
		}
		return ">=" + v + ",<" + strings.Join(upper, "."), nil
	}
	return "", fmt.Errorf("unknown operator %q", op)
}

type bound struct {
	v         Version
	text      string
	inclusive bool
}

// hull returns a specifier covering every one of the given AND-specifiers.
func hull(specs []string) (string, error) {
	var lo, hi *bound
	loOpen, hiOpen := false, false
	for _, s := range specs {
		l, h, err := bounds(s)
		if err != nil {
			return "", err
		}
		if l == nil {
			loOpen = true
		} else if lo == nil || l.v.Compare(lo.v) < 0 || (l.v.Compare(lo.v) == 0 && l.inclusive) {
			lo = l
		}
		if h == nil {
			hiOpen = true
		} else if hi == nil || h.v.Compare(hi.v) > 0 || (h.v.Compare(hi.v) == 0 && h.inclusive) {
			hi = h
		}
	}
	var parts []string
	if !loOpen && lo != nil {
		op := ">"
		if lo.inclusive {
			op = ">="
		}
		parts = append(parts, op+lo.text)
	}
	if !hiOpen && hi != nil {
		op := "<"
		if hi.inclusive {
			op = "<="
		}
		parts = append(parts, op+hi.text)
	}
	return strings.Join(parts, ","), nil
}

// bounds returns the lower and upper bounds of an AND-specifier (nil when
// unbounded). != clauses do not bound.
func bounds(spec string) (lo, hi *bound, err error) {
	if spec == "" {
		return nil, nil, nil
	}
	for cl := range strings.SplitSeq(spec, ",") {
		op, vtext := splitOp(cl)
		var l, h *bound
		switch op {
		case ">=", ">", "<=", "<", "==", "===", "~=":
			base := strings.TrimSuffix(vtext, ".*")
			v, perr := ParseVersion(base)
			if perr != nil {
				return nil, nil, perr
			}
			// A bound is a public version: PEP 440 allows no local label in
			// an ordered comparison, and a public bound admits every local
			// version of it anyway.
			public, _, _ := strings.Cut(base, "+")
			b := &bound{v: v, text: public, inclusive: op != ">" && op != "<"}
			switch op {
			case ">=", ">":
				l = b
			case "<=", "<":
				h = b
			default:
				l = b
				h = b
				if strings.HasSuffix(vtext, ".*") || op == "~=" {
					up, uerr := bumpPrefix(base, op == "~=")
					if uerr != nil {
						return nil, nil, uerr
					}
					h = up
				}
			}
		default:
			continue
		}
		if l != nil && (lo == nil || l.v.Compare(lo.v) > 0) {
			lo = l
		}
		if h != nil && (hi == nil || h.v.Compare(hi.v) < 0) {
			hi = h
		}
	}
	return lo, hi, nil
}

// bumpPrefix gives the exclusive upper bound of "==1.2.*" (1.3) or "~=1.2.3"
// (1.3).
func bumpPrefix(v string, compatible bool) (*bound, error) {
	release, _, ok := releaseNums(v)
	if !ok {
		return nil, fmt.Errorf("version %q", v)
	}
	parts := strings.Split(release, ".")
	if compatible && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	n, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil {
		return nil, fmt.Errorf("version %q: %v", v, err)
	}
	parts[len(parts)-1] = strconv.Itoa(n + 1)
	text := strings.Join(parts, ".")
	pv, err := ParseVersion(text)
	if err != nil {
		return nil, err
	}
	return &bound{v: pv, text: text}, nil
}

// splitOp splits a canonical clause such as ">=1.2" into ">=" and "1.2".
// The operator is one of PEP 440's: "===!" is === and "!".
func splitOp(clause string) (op, version string) {
	op = specOp(clause)
	return op, clause[len(op):]
}
