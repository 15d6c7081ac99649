package wheel

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"

	"github.com/containerize/containerize/internal/lazy"
)

// entryScript is one console_scripts or gui_scripts entry point.
type entryScript struct {
	name, module, attr string
	gui                bool
	line               int
}

// parseEntryPointScripts reads the [console_scripts] and [gui_scripts] sections of entry_points.txt, an INI
// file whose only delimiter is "=" and whose keys are case-sensitive (entry-points spec). Other sections
// are skipped without being validated, as they are not the installer's business.
func parseEntryPointScripts(data []byte) ([]entryScript, error) {
	var out []entryScript
	section := ""
	seen := map[string]int{}
	optionIndent := -1 // indentation of the last option line; -1 when there is none to continue
	for i, raw := range strings.Split(string(data), "\n") {
		line := i + 1
		raw = strings.TrimSuffix(raw, "\r")
		text := strings.TrimSpace(raw)
		if text == "" || text[0] == '#' || text[0] == ';' {
			continue
		}
		// As in configparser, a line indented deeper than the option before it continues that option's
		// value; otherwise indentation does not matter (setup.py files often indent the whole text).
		indent := len(raw) - len(strings.TrimLeft(raw, " \t"))
		continuation := optionIndent >= 0 && indent > optionIndent
		if text[0] == '[' && text[len(text)-1] == ']' && !continuation {
			section = strings.TrimSpace(text[1 : len(text)-1])
			optionIndent = -1
			continue
		}
		if !continuation {
			optionIndent = indent
		}
		if section != "console_scripts" && section != "gui_scripts" {
			continue
		}
		if continuation {
			return nil, fmt.Errorf("entry_points.txt:%d: a continuation line is not valid in [%s]", line, section)
		}
		key, value, ok := strings.Cut(text, "=")
		if !ok {
			return nil, fmt.Errorf("entry_points.txt:%d: want NAME = MODULE:FUNCTION in [%s], got %q", line, section, text)
		}
		name := strings.TrimSpace(key)
		module, attr, err := parseEntryPointValue(strings.TrimSpace(value))
		if err != nil {
			return nil, fmt.Errorf("entry_points.txt:%d: %s: %w", line, name, err)
		}
		if err := checkScriptName(name); err != nil {
			return nil, fmt.Errorf("entry_points.txt:%d: %w", line, err)
		}
		if prev, dup := seen[name]; dup {
			return nil, fmt.Errorf("entry_points.txt:%d: script %q is already defined on line %d", line, name, prev)
		}
		seen[name] = line
		out = append(out, entryScript{name: name, module: module, attr: attr, gui: section == "gui_scripts", line: line})
	}
	return out, nil
}

var extrasRe = lazy.Regexp(`\s*\[[^\]]*\]\s*$`)

// parseEntryPointValue splits "module.sub:obj.attr [extra1, extra2]"; the extras only matter to the resolver.
// Both parts must be dotted Python identifiers, since they are pasted into the generated launcher.
func parseEntryPointValue(v string) (module, attr string, err error) {
	v = extrasRe().ReplaceAllString(v, "")
	module, attr, ok := strings.Cut(v, ":")
	module, attr = strings.TrimSpace(module), strings.TrimSpace(attr)
	if !ok || attr == "" {
		return "", "", fmt.Errorf("object reference %q has no :FUNCTION part, which a script needs", v)
	}
	if !dottedIdentifier(module) || !dottedIdentifier(attr) {
		return "", "", fmt.Errorf("object reference %q is not MODULE:FUNCTION made of Python identifiers", v)
	}
	return module, attr, nil
}

func dottedIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i, r := range part {
			ok := r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))
			if !ok {
				return false
			}
		}
	}
	return true
}

var interpreterNameRe = lazy.Regexp(`^(python|pythonw|pypy)(\d+(\.\d+)?)?$`)

// checkScriptName rejects script names that are not a plain file name, and names that would shadow the
// target interpreter (python, python3, python3.12, pypy3, ...), as uv does.
func checkScriptName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) ||
		strings.ContainsFunc(name, unicode.IsControl) {
		return fmt.Errorf("%w: script name %q is not a plain file name", ErrUnsafePath, name)
	}
	if interpreterNameRe().MatchString(name) {
		return fmt.Errorf("%w: script %q would replace the Python interpreter", ErrUnsafePath, name)
	}
	return nil
}

// scriptStem is the name a .data/scripts file is known by when comparing with entry points: pip and uv skip
// a .data script that an entry point of the same name replaces, ignoring Windows launcher suffixes.
func scriptStem(name string) string {
	for _, suffix := range []string{".exe", "-script.pyw", "-script.py", ".pya"} {
		if s, ok := strings.CutSuffix(name, suffix); ok {
			return s
		}
	}
	return name
}

// shebang returns the first line(s) that make a script run under interp. Like pypa/installer (after
// distlib), a path with spaces or longer than the 127-byte kernel limit goes through a /bin/sh trampoline
// that Python reads as a string literal.
func shebang(interp string) []byte {
	if !strings.ContainsAny(interp, " \t") && len(interp)+3 <= 127 {
		return []byte("#!" + interp + "\n")
	}
	return []byte("#!/bin/sh\n'''exec' " + shellQuote(interp) + " \"$0\" \"$@\"\n' '''\n")
}

// shellQuote quotes s for /bin/sh the way Python's shlex.quote does.
func shellQuote(s string) string {
	safe := s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_@%+=:,./-", r)))
	})
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// launcher renders the standard POSIX console/GUI script, byte for byte what pip (through distlib) writes:
// import the object, strip a Windows launcher suffix from argv[0], and exit with the function's result.
func launcher(interp string, s entryScript) []byte {
	first, _, _ := strings.Cut(s.attr, ".")
	var b bytes.Buffer
	b.Write(shebang(interp))
	fmt.Fprintf(&b, "# -*- coding: utf-8 -*-\n")
	fmt.Fprintf(&b, "import re\nimport sys\n")
	fmt.Fprintf(&b, "from %s import %s\n", s.module, first)
	fmt.Fprintf(&b, "if __name__ == '__main__':\n")
	fmt.Fprintf(&b, "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n")
	fmt.Fprintf(&b, "    sys.exit(%s())\n", s.attr)
	return b.Bytes()
}

// rewriteShebang replaces a first line starting with exactly "#!python" (which covers "#!pythonw", the
// GUI-script spelling) with the target interpreter's shebang. Like pip and pypa/installer, anything after
// "#!python" on that line is dropped. Other content is returned unchanged.
func rewriteShebang(data []byte, interp string) []byte {
	if !bytes.HasPrefix(data, []byte("#!python")) {
		return data
	}
	rest := []byte{}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		rest = data[i+1:]
	}
	return append(shebang(interp), rest...)
}
