// Command pinlock writes the lockfile of an e2e project from the wheels the harness's local
// index serves, so the pins and sha256 hashes match what pip will download there.
//
//	go run ./e2e/pinlock -wheels DIR -pipfile PROJECT/Pipfile > PROJECT/Pipfile.lock
//
// It resolves the Pipfile's [packages] (and [dev-packages]) against the wheels: one version
// per project, checked against every specifier that asks for it, dependencies followed
// through Requires-Dist with environment markers evaluated for python:3.11-slim on Linux.
// The output is the Pipfile.lock pipenv itself would write: same layout, same _meta hash.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/containerize/containerize/e2e/internal/pywheel"
	"github.com/containerize/containerize/pep"
)

func main() {
	wheels := flag.String("wheels", "", "folder of wheels the index serves (required)")
	pipfile := flag.String("pipfile", "", "Pipfile to lock (required)")
	pyFull := flag.String("python", "3.11.2", "full Python version of the image, for markers")
	flag.Parse()
	if *wheels == "" || *pipfile == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: pinlock -wheels DIR -pipfile Pipfile [-python 3.11.2] > Pipfile.lock")
		os.Exit(2)
	}
	if err := run(*wheels, *pipfile, *pyFull, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pinlock:", err)
		os.Exit(1)
	}
}

func run(wheelDir, pipfilePath, pyFull string, out io.Writer) error {
	data, err := os.ReadFile(pipfilePath)
	if err != nil {
		return err
	}
	var pf map[string]any
	if _, err := toml.Decode(string(data), &pf); err != nil {
		return fmt.Errorf("%s: %w", pipfilePath, err)
	}
	avail, err := loadWheels(wheelDir)
	if err != nil {
		return err
	}
	env := pep.Linux(pyFull, "x86_64") // python:3.11-slim on x86_64
	// pipenv names the source a direct dependency comes from: the Pipfile's first one.
	index := "pypi"
	if sources, ok := pf["source"].([]map[string]any); ok && len(sources) > 0 {
		if n, ok := sources[0]["name"].(string); ok {
			index = n
		}
	}
	lock := map[string]any{}
	for section, key := range map[string]string{"packages": "default", "dev-packages": "develop"} {
		roots, err := pipfileRequirements(pf[section])
		if err != nil {
			return fmt.Errorf("%s [%s]: %w", pipfilePath, section, err)
		}
		pins, err := resolve(roots, avail, env)
		if err != nil {
			return fmt.Errorf("%s [%s]: %w", pipfilePath, section, err)
		}
		entries := map[string]any{}
		for name, w := range pins {
			e := map[string]any{"hashes": []string{"sha256:" + w.sha256}, "version": "==" + w.version}
			for _, r := range roots {
				if r.Name == name {
					e["index"] = index
					if len(r.Extras) > 0 {
						e["extras"] = r.Extras
					}
				}
			}
			entries[name] = e
		}
		lock[key] = entries
	}
	hash, err := pipfileHash(pf)
	if err != nil {
		return err
	}
	requires := pf["requires"]
	if requires == nil {
		requires = map[string]any{}
	}
	lock["_meta"] = map[string]any{
		"hash":         map[string]string{"sha256": hash},
		"pipfile-spec": 6,
		"requires":     requires,
		"sources":      pf["source"],
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(lock); err != nil {
		return err
	}
	_, err = out.Write(b.Bytes())
	return err
}

// pipfileHash is pipenv's _meta.hash: sha256 of the Pipfile as compact JSON with sorted keys
// (plette's Pipfile.get_hash), so `pipenv install --deploy` accepts the lock.
func pipfileHash(pf map[string]any) (string, error) {
	data := map[string]any{
		"_meta":   map[string]any{"sources": pf["source"], "requires": orEmpty(pf["requires"])},
		"default": orEmpty(pf["packages"]),
		"develop": orEmpty(pf["dev-packages"]),
	}
	sections := map[string]bool{"source": true, "packages": true, "dev-packages": true, "requires": true,
		"scripts": true, "pipfile": true, "pipenv": true, "default": true, "develop": true}
	for k, v := range pf {
		if !sections[k] {
			data[k] = v
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(data); err != nil {
		return "", err
	}
	return pywheel.HexSHA256([]byte(asciiJSON(strings.TrimSuffix(b.String(), "\n")))), nil
}

func orEmpty(v any) any {
	if v == nil {
		return map[string]any{}
	}
	return v
}

// asciiJSON escapes non-ASCII as \uXXXX, as Python's json.dumps does by default.
func asciiJSON(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// pipfileRequirements reads a [packages] table: name = "spec" or name = {version, extras}.
func pipfileRequirements(v any) ([]pep.Requirement, error) {
	table, _ := v.(map[string]any)
	var reqs []pep.Requirement
	for name, spec := range table {
		r := pep.Requirement{Name: pep.NormalizeName(name), RawName: name}
		switch s := spec.(type) {
		case string:
			r.Specifier = s
		case map[string]any:
			if v, ok := s["version"].(string); ok {
				r.Specifier = v
			}
			if ex, ok := s["extras"].([]any); ok {
				for _, e := range ex {
					if es, ok := e.(string); ok {
						r.Extras = append(r.Extras, pep.NormalizeName(es))
					}
				}
			}
			for _, k := range []string{"path", "file", "git", "hg", "svn", "editable"} {
				if _, ok := s[k]; ok {
					return nil, fmt.Errorf("%s: %s requirements are not served by the local index", name, k)
				}
			}
		default:
			return nil, fmt.Errorf("%s: unsupported value %v", name, spec)
		}
		if r.Specifier == "*" {
			r.Specifier = ""
		}
		reqs = append(reqs, r)
	}
	sort.Slice(reqs, func(i, j int) bool { return reqs[i].Name < reqs[j].Name })
	return reqs, nil
}

type wheel struct {
	file, version, sha256 string
	requires              []string
}

// loadWheels reads every wheel's version, hash and Requires-Dist, by project.
func loadWheels(dir string) (map[string][]wheel, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.whl"))
	if err != nil {
		return nil, err
	}
	out := map[string][]wheel{}
	for _, p := range paths {
		w, err := pep.ParseWheelFilename(filepath.Base(p))
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		md, err := pywheel.ReadWheelMetadata(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		project := pep.NormalizeName(w.Name)
		out[project] = append(out[project], wheel{
			file: filepath.Base(p), version: w.Version, sha256: pywheel.HexSHA256(data),
			requires: pywheel.Values(pep.ParseMetadata(md).RequiresDist()),
		})
	}
	return out, nil
}

// resolve pins every project the roots need. The index holds one version per project, so
// this is a walk, not a search: a specifier the served version does not meet is an error
// naming who asked for what.
func resolve(roots []pep.Requirement, avail map[string][]wheel, env pep.Env) (map[string]wheel, error) {
	type want struct {
		req pep.Requirement
		by  string
	}
	pins := map[string]wheel{}
	extrasDone := map[string]bool{} // name + "[" + extra
	var queue []want
	for _, r := range roots {
		queue = append(queue, want{r, "Pipfile"})
	}
	for len(queue) > 0 {
		w := queue[0]
		queue = queue[1:]
		cands := avail[w.req.Name]
		if len(cands) == 0 {
			return nil, fmt.Errorf("%s (needed by %s) is not in the wheelhouse: install its python3-* package in e2e/setup.sh", w.req.Name, w.by)
		}
		pin, ok := pins[w.req.Name]
		if !ok {
			var chosen *wheel
			for i := range cands {
				match, err := pywheel.Satisfies(cands[i].version, w.req.Specifier)
				if err != nil {
					return nil, fmt.Errorf("%s (needed by %s): %w", w.req.Name, w.by, err)
				}
				if match && (chosen == nil || newer(cands[i].version, chosen.version)) {
					chosen = &cands[i]
				}
			}
			if chosen == nil {
				return nil, fmt.Errorf("%s %s (needed by %s): the wheelhouse has only %s", w.req.Name, w.req.Specifier, w.by, versions(cands))
			}
			pin = *chosen
			pins[w.req.Name] = pin
		} else if match, err := pywheel.Satisfies(pin.version, w.req.Specifier); err != nil || !match {
			return nil, fmt.Errorf("%s %s (needed by %s) conflicts with the pinned %s", w.req.Name, w.req.Specifier, w.by, pin.version)
		}
		// Follow the requirements once without extras and once per extra asked for.
		extras := append([]string{""}, w.req.Extras...)
		for _, extra := range extras {
			key := w.req.Name + "[" + pep.NormalizeName(extra)
			if extrasDone[key] {
				continue
			}
			extrasDone[key] = true
			e := maps.Clone(env)
			e["extra"] = extra
			for _, rd := range pin.requires {
				dep, err := pep.ParseRequirement(rd)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", pin.file, err)
				}
				if dep.URL != "" {
					return nil, fmt.Errorf("%s: requirement %q: a URL is not served by the local index", pin.file, rd)
				}
				if dep.Marker == nil {
					// Followed in the "" pass.
					if extra != "" {
						continue
					}
				} else {
					ok, err := dep.Marker.Eval(e)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", pin.file, err)
					}
					// Requirements without "extra" in their marker are followed in the "" pass.
					if !ok || (extra != "" && !strings.Contains(dep.Marker.String(), "extra")) {
						continue
					}
				}
				queue = append(queue, want{dep, w.req.Name + " " + pin.version})
			}
		}
	}
	return pins, nil
}

func newer(a, b string) bool {
	ok, err := pywheel.Satisfies(a, ">"+b)
	return err == nil && ok
}

func versions(ws []wheel) string {
	var vs []string
	for _, w := range ws {
		vs = append(vs, w.version)
	}
	return strings.Join(vs, ", ")
}
