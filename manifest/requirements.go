package manifest

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/internal/excerpt"
	"github.com/containerize/containerize/pep"
)

// RequirementsSet is what pip would read from a requirements file and the
// files it includes.
type RequirementsSet struct {
	Files          []string      // every file read, in order, root first
	Requirements   []Requirement // from -r chains (not from constraints)
	Constraints    []Requirement // from -c files
	IndexURL       string        // -i / --index-url (the last one wins, as in pip)
	ExtraIndexURLs []string      // --extra-index-url, in order, without repeats
	FindLinks      []string      // -f / --find-links, in order, without repeats
	NoIndex        bool          // --no-index
	// FullyPinned: every requirement is exact (==X without wildcard, or
	// ===X), or is exactly pinned by a constraint, or is a URL with a hash —
	// i.e. the set is usable as a lock. Local paths (such as "-e .", the
	// project itself) do not count against it. False when there are no
	// requirements.
	FullyPinned bool
	// Hashed: every requirement carries --hash, so pip's hash-checking mode
	// would accept the set. False when there are no requirements.
	Hashed bool
}

// ParseRequirementsFile reads the requirements file at name (a slash path
// in fsys) and every file it includes with -r/--requirement and
// -c/--constraint, relative to the including file. A file included twice is
// read once, so include cycles end. A missing include is an error naming
// the including file and line.
func ParseRequirementsFile(fsys fs.FS, name string) (*RequirementsSet, error) {
	name = path.Clean(name)
	rs := &RequirementsSet{}
	st := &reqFileState{fsys: fsys, rs: rs, seen: map[string]bool{}}
	if err := st.file(name, false, "", 0, 0); err != nil {
		return nil, err
	}
	if err := hashMode(rs.Requirements); err != nil {
		return nil, err
	}
	rs.FullyPinned, rs.Hashed = pinState(rs.Requirements, rs.Constraints)
	return rs, nil
}

// hashMode refuses a set that mixes hashed and unhashed requirements, as pip's
// hash-checking mode does: once one requirement (in any file of the -r chain) has --hash,
// every one must, so a line added without one is not installed unchecked. Local paths
// (such as "-e .", the project itself) are not downloaded and need none; a URL may carry
// its hash in its fragment.
func hashMode(reqs []Requirement) error {
	i := slices.IndexFunc(reqs, func(r Requirement) bool { return len(r.Hashes) > 0 })
	if i < 0 {
		return nil
	}
	for _, r := range reqs {
		if len(r.Hashes) == 0 && !isLocalPath(r.URL) && !hasURLHash(r.URL) {
			return errorf(r.File, r.Line, "%s has no --hash, but %s has one: once any requirement has a hash, pip checks hashes for all (hash-checking mode) — add --hash to every line (pip-compile --generate-hashes, or your tool's export with hashes), or remove them all",
				cmp.Or(r.RawName, r.URL), reqs[i].Where())
		}
	}
	return nil
}

type reqFileState struct {
	fsys fs.FS
	rs   *RequirementsSet
	seen map[string]bool
}

// maxIncludeDepth bounds -r chains; real projects nest two or three deep.
const maxIncludeDepth = 50

func (st *reqFileState) file(name string, constraint bool, from string, fromLine, depth int) error {
	if st.seen[name] {
		return nil
	}
	if depth > maxIncludeDepth {
		return errorf(from, fromLine, "requirements files nested more than %d deep", maxIncludeDepth)
	}
	data, err := ReadFile(st.fsys, name)
	if err != nil {
		if from == "" {
			return fmt.Errorf("read %s: %w", name, err)
		}
		msg := fmt.Sprintf("cannot read included file %s", name)
		if errors.Is(err, fs.ErrNotExist) {
			msg = fmt.Sprintf("included file %s does not exist — fix the path (it is relative to %s)", name, from)
		}
		return &ParseError{File: from, Line: fromLine, Msg: msg, Err: err}
	}
	text, err := DecodeText(data, name)
	if err != nil {
		return err
	}
	st.seen[name] = true
	st.rs.Files = append(st.rs.Files, name)
	for _, ll := range logicalLines(text) {
		if err := st.line(name, ll.line, ll.text, constraint, depth); err != nil {
			return err
		}
	}
	return nil
}

type logicalLine struct {
	line int
	text string
}

// logicalLines joins continuation lines (ending in '\') the way pip does —
// a full-line comment never continues — and strips comments: '#' at the
// start of the line or after whitespace, to the end of the line. Each line
// keeps the number of its first physical line. text is decoded (DecodeText); lines end as
// Python's str.splitlines ends them (CRLF, lone CR, LF, …), as pip's do.
func logicalLines(text string) []logicalLine {
	phys := SplitLines(text)
	var out []logicalLine
	var buf []string
	start := 0
	emit := func(n int, s string) {
		s = strings.TrimSpace(stripComment(s))
		if s != "" {
			out = append(out, logicalLine{line: n, text: s})
		}
	}
	for i, l := range phys {
		comment := strings.HasPrefix(strings.TrimLeft(l, " \t"), "#")
		if strings.HasSuffix(l, `\`) && !comment {
			if buf == nil {
				start = i + 1
			}
			buf = append(buf, strings.TrimRight(l, `\`))
			continue
		}
		if comment {
			// A comment ends the continued line; keep it apart so that
			// stripping removes it alone.
			l = " " + l
		}
		if buf != nil {
			emit(start, strings.Join(append(buf, l), ""))
			buf = nil
			continue
		}
		emit(i+1, l)
	}
	if buf != nil {
		emit(start, strings.Join(buf, ""))
	}
	return out
}

func stripComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i]
		}
	}
	return s
}

// pip's options in requirements files. The value says whether the option
// takes an argument; reqLevel marks the ones allowed after a requirement.
type reqOption struct {
	long     string
	short    string
	hasArg   bool
	reqLevel bool
}

var reqOptions = []reqOption{
	{long: "--requirement", short: "-r", hasArg: true},
	{long: "--constraint", short: "-c", hasArg: true},
	{long: "--editable", short: "-e", hasArg: true},
	{long: "--index-url", short: "-i", hasArg: true},
	{long: "--extra-index-url", hasArg: true},
	{long: "--no-index"},
	{long: "--find-links", short: "-f", hasArg: true},
	{long: "--trusted-host", hasArg: true},
	{long: "--no-binary", hasArg: true},
	{long: "--only-binary", hasArg: true},
	{long: "--prefer-binary"},
	{long: "--require-hashes"},
	{long: "--pre"},
	{long: "--use-feature", hasArg: true},
	{long: "--hash", hasArg: true, reqLevel: true},
	{long: "--config-settings", hasArg: true, reqLevel: true},
	{long: "--global-option", hasArg: true, reqLevel: true},
	{long: "--install-option", hasArg: true, reqLevel: true},
}

// lookupOption finds an option by its short name, long name, or (as
// optparse allows) an unambiguous prefix of the long name.
func lookupOption(name string) (reqOption, error) {
	var found []reqOption
	for _, o := range reqOptions {
		if name == o.long || (o.short != "" && name == o.short) {
			return o, nil
		}
		if strings.HasPrefix(name, "--") && len(name) > 3 && strings.HasPrefix(o.long, name) {
			found = append(found, o)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return reqOption{}, fmt.Errorf("unknown option %s — pip would reject it too; remove it or fix the spelling", name)
	}
	return reqOption{}, fmt.Errorf("ambiguous option %s — spell it out", name)
}

type optValue struct {
	opt reqOption
	val string
}

// parseOptions reads option tokens: "-r file", "-rfile", "--requirement=file",
// "--requirement file", and flags.
func parseOptions(toks []string) ([]optValue, error) {
	var out []optValue
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		if !strings.HasPrefix(tok, "-") || tok == "-" {
			return nil, fmt.Errorf("unexpected %s among options", excerpt.Quote(tok))
		}
		name, val, hasVal := tok, "", false
		if strings.HasPrefix(tok, "--") {
			name, val, hasVal = strings.Cut(tok, "=")
		} else if len(tok) > 2 {
			name, val, hasVal = tok[:2], strings.TrimPrefix(tok[2:], "="), true
		}
		o, err := lookupOption(name)
		if err != nil {
			return nil, err
		}
		if !o.hasArg {
			if hasVal {
				return nil, fmt.Errorf("option %s takes no value", o.long)
			}
			out = append(out, optValue{opt: o})
			continue
		}
		if !hasVal {
			if i+1 >= len(toks) {
				return nil, fmt.Errorf("option %s needs a value", name)
			}
			i++
			val = toks[i]
		}
		out = append(out, optValue{opt: o, val: val})
	}
	return out, nil
}

// shellSplit splits s into words like POSIX shells (and Python's shlex) do:
// quotes group, backslash escapes outside single quotes.
func shellSplit(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`+"`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated double quote")
			}
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// breakArgsOptions splits a line at the first space-separated token that
// starts with '-': before it the requirement, from it on the options.
func breakArgsOptions(line string) (args, opts string) {
	toks := strings.Split(line, " ")
	for i, t := range toks {
		if strings.HasPrefix(t, "-") {
			return strings.TrimSpace(strings.Join(toks[:i], " ")), strings.Join(toks[i:], " ")
		}
	}
	return strings.TrimSpace(line), ""
}

func (st *reqFileState) line(file string, n int, text string, constraint bool, depth int) error {
	args, optText := breakArgsOptions(text)
	toks, err := shellSplit(optText)
	if err != nil {
		return errorf(file, n, "%v in %s", err, excerpt.Quote(text))
	}
	opts, err := parseOptions(toks)
	if err != nil {
		return errorf(file, n, "%v", err)
	}
	add := func(r Requirement) {
		r.File, r.Line = file, n
		if constraint {
			st.rs.Constraints = append(st.rs.Constraints, r)
		} else {
			st.rs.Requirements = append(st.rs.Requirements, r)
		}
	}
	if args != "" {
		r, err := parseRequirementLine(args)
		if err != nil {
			return errorf(file, n, "%v — write it as PEP 508, e.g. django>=4.2,<5", err)
		}
		for _, o := range opts {
			if !o.opt.reqLevel {
				return errorf(file, n, "option %s cannot follow a requirement — put it on a line of its own", o.opt.long)
			}
			if o.opt.long == "--hash" {
				if !strings.Contains(o.val, ":") {
					return errorf(file, n, "--hash=%s: expected algorithm:digest, e.g. --hash=sha256:…", o.val)
				}
				r.Hashes = append(r.Hashes, o.val)
			}
		}
		add(r)
		return nil
	}
	for _, o := range opts {
		switch o.opt.long {
		case "--requirement", "--constraint":
			inc, err := includePath(file, o.val)
			if err != nil {
				return errorf(file, n, "%s %s: %v", o.opt.short, o.val, err)
			}
			if err := st.file(inc, constraint || o.opt.long == "--constraint", file, n, depth+1); err != nil {
				return err
			}
		case "--editable":
			r, err := urlRequirement(o.val)
			if err != nil {
				return errorf(file, n, "-e %s: %v", o.val, err)
			}
			r.Editable = true
			add(r)
		case "--index-url":
			st.rs.IndexURL = o.val
		case "--extra-index-url":
			st.rs.ExtraIndexURLs = appendNew(st.rs.ExtraIndexURLs, o.val)
		case "--find-links":
			st.rs.FindLinks = appendNew(st.rs.FindLinks, o.val)
		case "--no-index":
			st.rs.NoIndex = true
		default:
			if o.opt.reqLevel {
				return errorf(file, n, "option %s must follow a requirement on the same line", o.opt.long)
			}
		}
	}
	return nil
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// includePath resolves an -r/-c argument relative to the including file.
func includePath(from, arg string) (string, error) {
	switch {
	case strings.Contains(arg, "://"):
		return "", errors.New("remote requirements files cannot be read here — download it into the project and include the local copy")
	case strings.HasPrefix(arg, "/"):
		return "", errors.New("absolute paths cannot be read inside the project — use a path relative to this file")
	}
	p := path.Join(path.Dir(from), arg)
	if !fs.ValidPath(p) {
		return "", errors.New("the path leaves the project directory")
	}
	return p, nil
}

var archiveExts = []string{".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip"}

// isURLish reports whether the first word of a requirement line is a URL
// (http, file, VCS) rather than "name @ url" or a plain name.
func isURLish(word string) bool {
	i := strings.Index(word, "://")
	if i < 0 {
		return strings.HasPrefix(word, "file:")
	}
	at := strings.IndexByte(word, '@')
	return at < 0 || at > i
}

func isPathish(word string) bool {
	if strings.HasPrefix(word, ".") || strings.HasPrefix(word, "/") || strings.HasPrefix(word, "~") ||
		strings.Contains(word, "/") || strings.Contains(word, `\`) {
		return true
	}
	lw := strings.ToLower(word)
	for _, e := range archiveExts {
		if strings.HasSuffix(lw, e) {
			return true
		}
	}
	return false
}

// parseRequirementLine parses the requirement part of a requirements file
// line: PEP 508, or a URL or local path as pip also accepts.
func parseRequirementLine(s string) (Requirement, error) {
	first := s
	if i := strings.IndexAny(s, " \t;"); i >= 0 {
		first = s[:i]
	}
	if !isURLish(first) && !isPathish(first) {
		return ParseRequirement(s)
	}
	// For URLs pip takes a marker only after "; " (a bare ';' can be part of
	// a URL); paths cannot contain one either way.
	loc, marker := s, ""
	if i := strings.Index(s, "; "); i >= 0 {
		loc, marker = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2:])
	} else if i := strings.Index(s, " ;"); i >= 0 {
		loc, marker = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2:])
	}
	if marker != "" {
		if _, err := pep.ParseRequirementMarker(marker); err != nil {
			return Requirement{}, fmt.Errorf("invalid requirement %.200q: marker %.200q: %w", s, marker, err)
		}
	}
	r, err := urlRequirement(loc)
	if err != nil {
		return Requirement{}, fmt.Errorf("invalid requirement %.200q: %w", s, err)
	}
	r.Marker = marker
	return r, nil
}

// urlRequirement makes a requirement from a URL or local path, naming it
// from "#egg=name" or from a wheel or sdist file name when it can.
func urlRequirement(loc string) (Requirement, error) {
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return Requirement{}, errors.New("empty URL or path")
	}
	if strings.ContainsAny(loc, " \t") {
		return Requirement{}, fmt.Errorf("unexpected space in URL or path %s", excerpt.Quote(loc))
	}
	var r Requirement
	if !isURLish(loc) {
		// "./pkg[extra1,extra2]" carries extras after the path.
		if i := strings.LastIndexByte(loc, '['); i > 0 && strings.HasSuffix(loc, "]") {
			for _, e := range strings.Split(loc[i+1:len(loc)-1], ",") {
				if e = strings.TrimSpace(e); e != "" {
					r.Extras = append(r.Extras, e)
				}
			}
			loc = loc[:i]
		}
	}
	r.URL = loc
	body, frag, _ := strings.Cut(loc, "#")
	for _, kv := range strings.Split(frag, "&") {
		if egg, ok := strings.CutPrefix(kv, "egg="); ok && egg != "" {
			nr, err := ParseRequirement(egg)
			if err != nil || nr.Specifier != "" || nr.URL != "" || nr.Marker != "" {
				return Requirement{}, fmt.Errorf("#egg=%s is not a project name", egg)
			}
			r.RawName, r.Name = nr.RawName, nr.Name
			if len(nr.Extras) > 0 {
				r.Extras = nr.Extras
			}
			return r, nil
		}
	}
	if i := strings.IndexByte(body, '?'); i >= 0 && isURLish(body) {
		body = body[:i]
	}
	r.RawName = nameFromFilename(path.Base(strings.TrimRight(strings.ReplaceAll(body, `\`, "/"), "/")))
	r.Name = pep.NormalizeName(r.RawName)
	return r, nil
}

// nameFromFilename reads the project name out of a wheel or sdist file name
// ("Django-4.2.1-py3-none-any.whl", "requests-2.31.0.tar.gz"); "" otherwise.
func nameFromFilename(base string) string {
	lb := strings.ToLower(base)
	if strings.HasSuffix(lb, ".whl") {
		if name, _, ok := strings.Cut(base, "-"); ok && validName(name) {
			return name
		}
		return ""
	}
	for _, e := range archiveExts {
		if !strings.HasSuffix(lb, e) {
			continue
		}
		stem := base[:len(base)-len(e)]
		// The version starts after the last '-' that is followed by a digit.
		for i := len(stem) - 1; i > 0; i-- {
			if stem[i] == '-' && i+1 < len(stem) && stem[i+1] >= '0' && stem[i+1] <= '9' {
				if validName(stem[:i]) {
					return stem[:i]
				}
				return ""
			}
		}
		return ""
	}
	return ""
}

// validName reports whether s is a project name as a PEP 508 requirement
// reads one (a trailing '_' is allowed, as pip allows it).
func validName(s string) bool {
	r, err := pep.ParseRequirement(s)
	return err == nil && r.RawName == s
}

// isExactPin reports whether a specifier pins one version: "==1.2.3" (no
// wildcard) or "===x".
func isExactPin(spec string) bool {
	if strings.Contains(spec, ",") {
		return false
	}
	if strings.HasPrefix(spec, "===") {
		return len(spec) > 3
	}
	return strings.HasPrefix(spec, "==") && !strings.HasSuffix(spec, ".*") && len(spec) > 2
}

func isLocalPath(u string) bool { return u != "" && !isURLish(u) }

func hasURLHash(u string) bool {
	_, frag, _ := strings.Cut(u, "#")
	for _, kv := range strings.Split(frag, "&") {
		for _, alg := range []string{"sha256=", "sha384=", "sha512=", "md5=", "sha1=", "sha224="} {
			if strings.HasPrefix(kv, alg) {
				return true
			}
		}
	}
	return false
}

func pinState(reqs, constraints []Requirement) (pinned, hashed bool) {
	if len(reqs) == 0 {
		return false, false
	}
	exact := map[string]bool{}
	for _, c := range constraints {
		if isExactPin(c.Specifier) && c.Name != "" {
			exact[c.Name] = true
		}
	}
	pinned, hashed = true, true
	for _, r := range reqs {
		if len(r.Hashes) == 0 {
			hashed = false
		}
		switch {
		case isLocalPath(r.URL):
		case r.URL != "":
			if len(r.Hashes) == 0 && !hasURLHash(r.URL) {
				pinned = false
			}
		case isExactPin(r.Specifier), exact[r.Name]:
		default:
			pinned = false
		}
	}
	return pinned, hashed
}
