package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/containerize/containerize/e2e/internal/pywheel"
	"github.com/containerize/containerize/pep"
)

// Media types of the simple API (PEP 691).
const (
	typeJSON = "application/vnd.pypi.simple.v1+json"
	typeHTML = "application/vnd.pypi.simple.v1+html"
)

// index serves the wheels in dir. It rescans the folder on each request, so wheels added
// while it runs are served, and caches each file's hashes by name, size and mtime.
type index struct {
	dir fs.FS
	mu  sync.Mutex
	// cache: file name -> what was computed for it, valid while size and mtime match.
	cache map[string]fileInfo
}

type fileInfo struct {
	name           string // the file's name in dir
	size           int64
	mtime          time.Time
	project        string // the normalised project name of the wheel
	sha256         string
	metadata       []byte // the wheel's METADATA, served for PEP 658
	metadataSHA256 string
	requiresPython string
}

func newIndex(dir fs.FS) *index { return &index{dir: dir, cache: map[string]fileInfo{}} }

// projects returns every project's files, by normalised name, each list sorted by name.
func (ix *index) projects() (map[string][]fileInfo, error) {
	entries, err := fs.ReadDir(ix.dir, ".")
	if err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	out := map[string][]fileInfo{}
	seen := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".whl") || strings.HasPrefix(name, ".") {
			continue
		}
		st, err := e.Info()
		if err != nil {
			continue // removed since ReadDir
		}
		fi, ok := ix.cache[name]
		if !ok || fi.size != st.Size() || !fi.mtime.Equal(st.ModTime()) {
			fi, err = ix.inspect(name, st)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			ix.cache[name] = fi
		}
		seen[name] = true
		out[fi.project] = append(out[fi.project], fi)
	}
	for name := range ix.cache {
		if !seen[name] {
			delete(ix.cache, name)
		}
	}
	for _, files := range out {
		sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	}
	return out, nil
}

// inspect hashes a wheel and reads its METADATA.
func (ix *index) inspect(name string, st fs.FileInfo) (fileInfo, error) {
	w, err := pep.ParseWheelFilename(name)
	if err != nil {
		return fileInfo{}, err
	}
	data, err := fs.ReadFile(ix.dir, name)
	if err != nil {
		return fileInfo{}, err
	}
	md, err := pywheel.ReadWheelMetadata(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fileInfo{}, err
	}
	return fileInfo{
		name: name, size: st.Size(), mtime: st.ModTime(), project: pep.NormalizeName(w.Name),
		sha256:         pywheel.HexSHA256(data),
		metadata:       md,
		metadataSHA256: pywheel.HexSHA256(md),
		requiresPython: pep.ParseMetadata(md).RequiresPython(),
	}, nil
}

func (ix *index) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch p := r.URL.Path; {
	case p == "/" || p == "/simple":
		http.Redirect(w, r, "/simple/", http.StatusMovedPermanently)
	case p == "/simple/":
		ix.serveRoot(w, r)
	case strings.HasPrefix(p, "/simple/"):
		ix.serveProject(w, r, strings.TrimPrefix(p, "/simple/"))
	case strings.HasPrefix(p, "/files/"):
		ix.serveFile(w, r, strings.TrimPrefix(p, "/files/"))
	default:
		http.NotFound(w, r)
	}
}

// negotiate picks the response format from Accept (PEP 691): the highest quality among the
// types this index serves; HTML when the client states no preference. "" means none fits.
func negotiate(accept string) string {
	if strings.TrimSpace(accept) == "" {
		return typeHTML
	}
	best, bestQ := "", 0.0
	for part := range strings.SplitSeq(accept, ",") {
		fields := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, f := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					q = x
				}
			}
		}
		var served string
		switch mt {
		case typeJSON, "application/vnd.pypi.simple.latest+json":
			served = typeJSON
		case typeHTML, "application/vnd.pypi.simple.latest+html":
			served = typeHTML
		case "text/html", "*/*", "text/*":
			served = "text/html"
		}
		// Ties go to the earlier entry, which is the client's order of preference.
		if served != "" && q > 0 && q > bestQ {
			best, bestQ = served, q
		}
	}
	return best
}

// listing negotiates the response format and reads the projects; false means an error
// response was written.
func (ix *index) listing(w http.ResponseWriter, r *http.Request) (string, map[string][]fileInfo, bool) {
	w.Header().Set("Vary", "Accept")
	f := negotiate(r.Header.Get("Accept"))
	if f == "" {
		http.Error(w, "not acceptable: this index serves "+typeJSON+", "+typeHTML+" and text/html", http.StatusNotAcceptable)
		return "", nil, false
	}
	projects, err := ix.projects()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return "", nil, false
	}
	return f, projects, true
}

func (ix *index) serveRoot(w http.ResponseWriter, r *http.Request) {
	f, projects, ok := ix.listing(w, r)
	if !ok {
		return
	}
	names := slices.Sorted(maps.Keys(projects))
	if f == typeJSON {
		type project struct {
			Name string `json:"name"`
		}
		list := make([]project, len(names))
		for i, n := range names {
			list[i] = project{n}
		}
		writeJSON(w, map[string]any{"meta": map[string]string{"api-version": "1.0"}, "projects": list})
		return
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>Simple index</title></head><body>\n")
	for _, n := range names {
		fmt.Fprintf(&b, "<a href=\"/simple/%s/\">%s</a><br>\n", n, html.EscapeString(n))
	}
	b.WriteString("</body></html>\n")
	writeHTML(w, f, b.String())
}

// serveProject lists a project's files. Metadata is announced under the PEP 714 names only
// (core-metadata): pip 23.0, the pip of python:3.11-slim images of its time, crashes on the
// older dist-info-metadata key when it holds a hash table ("unhashable type: 'dict'").
func (ix *index) serveProject(w http.ResponseWriter, r *http.Request, rest string) {
	name, slash := strings.CutSuffix(rest, "/")
	if name == "" || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	// PEP 503: the normalised name, with a trailing slash, is the canonical URL.
	if norm := pep.NormalizeName(name); norm != name || !slash {
		http.Redirect(w, r, "/simple/"+norm+"/", http.StatusMovedPermanently)
		return
	}
	f, projects, ok := ix.listing(w, r)
	if !ok {
		return
	}
	files, found := projects[name]
	if !found {
		http.Error(w, "no project "+name+" in this index", http.StatusNotFound)
		return
	}
	if f == typeJSON {
		type file struct {
			Filename       string            `json:"filename"`
			URL            string            `json:"url"`
			Hashes         map[string]string `json:"hashes"`
			RequiresPython string            `json:"requires-python,omitempty"`
			CoreMetadata   map[string]string `json:"core-metadata"`
		}
		list := make([]file, len(files))
		for i, fi := range files {
			fn := fi.name
			md := map[string]string{"sha256": fi.metadataSHA256}
			list[i] = file{Filename: fn, URL: "/files/" + fn, Hashes: map[string]string{"sha256": fi.sha256},
				RequiresPython: fi.requiresPython, CoreMetadata: md}
		}
		writeJSON(w, map[string]any{"meta": map[string]string{"api-version": "1.0"}, "name": name, "files": list})
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>Links for %s</title></head><body>\n<h1>Links for %s</h1>\n", name, name)
	for _, fi := range files {
		fn := fi.name
		attrs := fmt.Sprintf(` data-core-metadata="sha256=%s"`, fi.metadataSHA256)
		if fi.requiresPython != "" {
			attrs += ` data-requires-python="` + html.EscapeString(fi.requiresPython) + `"`
		}
		fmt.Fprintf(&b, "<a href=\"/files/%s#sha256=%s\"%s>%s</a><br>\n", fn, fi.sha256, attrs, html.EscapeString(fn))
	}
	b.WriteString("</body></html>\n")
	writeHTML(w, f, b.String())
}

// serveFile serves a wheel, or its METADATA at NAME.whl.metadata (PEP 658), so pip can
// resolve without downloading whole wheels.
func (ix *index) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	if name == "" || strings.ContainsAny(name, "/\\") || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	if whl, ok := strings.CutSuffix(name, ".metadata"); ok {
		projects, err := ix.projects()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		for _, files := range projects {
			for _, fi := range files {
				if fi.name == whl {
					w.Header().Set("Content-Type", "text/plain; charset=utf-8")
					http.ServeContent(w, r, name, fi.mtime, bytes.NewReader(fi.metadata))
					return
				}
			}
		}
		http.NotFound(w, r)
		return
	}
	if !strings.HasSuffix(name, ".whl") {
		http.NotFound(w, r)
		return
	}
	f, err := ix.dir.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		data, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		rs = bytes.NewReader(data)
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, name, st.ModTime(), rs)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", typeJSON)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeHTML(w http.ResponseWriter, format, body string) {
	if format == typeHTML {
		w.Header().Set("Content-Type", typeHTML)
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	_, _ = io.WriteString(w, body)
}
