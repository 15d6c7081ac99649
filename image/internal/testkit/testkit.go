// Package testkit builds what the build tests need and cannot download: stand-in Python base images, wheels
// made in memory, a PEP 691 index and a registry, all served on 127.0.0.1.
package testkit

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/containerize/containerize/image/layer"
)

// GlibcBanner is the string Debian 12's libc.so.6 carries.
const GlibcBanner = "GNU C Library (Debian GLIBC 2.36-9+deb12u4) stable release version 2.36.\n"

// BaseSpec describes a stand-in python image.
type BaseSpec struct {
	Arch, Variant string // OCI spelling; "amd64" when empty
	Python        string // minor version, "3.12" when empty
	PythonEnv     string // PYTHON_VERSION; "3.12.7" when empty and Python is empty
	Musl          bool   // an Alpine-like image instead of a Debian-like one
	OCI           bool   // OCI media types instead of Docker's
	Passwd        string // /etc/passwd; a Debian default when empty
	// Files are more files of the OS layer, by path without the leading slash (apt sources, dpkg status).
	Files map[string][]byte
}

// Base builds a python:X.Y-slim lookalike: a Debian-ish (or Alpine-ish) OS layer with /etc/passwd, /etc/group,
// /bin/sh and the C library, and a Python layer with a dummy interpreter under /usr/local.
func Base(spec BaseSpec) (v1.Image, error) {
	if spec.Arch == "" {
		spec.Arch = "amd64"
	}
	if spec.Python == "" {
		spec.Python = "3.12"
		if spec.PythonEnv == "" {
			spec.PythonEnv = "3.12.7"
		}
	}
	if spec.Passwd == "" {
		spec.Passwd = "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
	}
	triplet := map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}[spec.Arch]
	if triplet == "" {
		triplet = spec.Arch + "-linux-gnu"
	}
	file := func(p, data string) layer.Entry { return layer.Entry{Path: p, Mode: 0o644, Data: []byte(data)} }
	link := func(p, target string) layer.Entry { return layer.Entry{Path: p, Mode: fs.ModeSymlink, Link: target} }
	osLayer := []layer.Entry{
		file("/etc/passwd", spec.Passwd),
		file("/etc/group", "root:x:0:\nnogroup:x:65534:\n"),
	}
	if spec.Musl {
		osLayer = append(osLayer,
			file("/bin/busybox", "\x7fELF busybox"),
			link("/bin/sh", "/bin/busybox"),
			file("/lib/ld-musl-x86_64.so.1", "\x7fELF\x00musl\x001.2.4\x00"),
			link("/lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1"),
			file("/lib/apk/db/installed", "C:Q1abc=\nP:busybox\nV:1.36.1-r15\n\nC:Q1def=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\n"),
		)
	} else {
		// Debian 12 is usr-merged: /bin and /lib are symlinks into /usr.
		osLayer = append(osLayer,
			link("/bin", "usr/bin"),
			link("/lib", "usr/lib"),
			file("/usr/bin/dash", "\x7fELF dash"),
			link("/usr/bin/sh", "dash"),
			file("/usr/lib/"+triplet+"/libc.so.6", "\x7fELF\x00\x00"+GlibcBanner+"\x00more"),
		)
	}
	var extra []string
	for p := range spec.Files {
		extra = append(extra, p)
	}
	slices.Sort(extra)
	for _, p := range extra {
		osLayer = append(osLayer, layer.Entry{Path: "/" + p, Mode: 0o644, Data: spec.Files[p]})
	}
	prefix := "/usr/local"
	pyLayer := []layer.Entry{
		{Path: prefix + "/bin/python" + spec.Python, Mode: 0o755, Data: []byte("\x7fELF python")},
		link(prefix+"/bin/python3", "python"+spec.Python),
		link(prefix+"/bin/python", "python3"),
		file(prefix+"/lib/python"+spec.Python+"/os.py", "# os\n"),
	}
	mt := types.DockerLayer
	if spec.OCI {
		mt = types.OCILayer
	}
	img := empty.Image
	if spec.OCI {
		img = mutate.MediaType(img, types.OCIManifestSchema1)
		img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	}
	created := time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)
	for i, entries := range [][]layer.Entry{osLayer, pyLayer} {
		l, _, err := layer.Build(entries, layer.Options{ModTime: created}, mt)
		if err != nil {
			return nil, err
		}
		img, err = mutate.Append(img, mutate.Addendum{Layer: l, History: v1.History{Created: v1.Time{Time: created}, CreatedBy: fmt.Sprintf("layer %d", i)}})
		if err != nil {
			return nil, err
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = "linux", spec.Arch, spec.Variant
	cf.Created = v1.Time{Time: created}
	cf.Config.Env = []string{"PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"}
	if spec.PythonEnv != "" {
		cf.Config.Env = append(cf.Config.Env, "PYTHON_VERSION="+spec.PythonEnv)
	}
	cf.Config.Cmd = []string{"python3"}
	cf.Config.Labels = map[string]string{"org.example.base": "yes"}
	return mutate.ConfigFile(img, cf)
}

// Registry is an in-memory registry on 127.0.0.1; Host is its host:port.
type Registry struct {
	Server *httptest.Server
	Host   string
	mu     sync.Mutex
	gets   map[string]int // blob digest → GET requests
}

// NewRegistry starts a registry; call Close when done.
func NewRegistry() *Registry {
	r := &Registry{gets: map[string]int{}}
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(true))
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/blobs/sha256:") {
			r.mu.Lock()
			r.gets[path.Base(req.URL.Path)]++
			r.mu.Unlock()
		}
		h.ServeHTTP(w, req)
	}))
	u, _ := url.Parse(r.Server.URL)
	r.Host = u.Host
	return r
}

// BlobGets is how many times the blob with digest d was downloaded.
func (r *Registry) BlobGets(d v1.Hash) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gets[d.String()]
}

// Close stops the registry.
func (r *Registry) Close() { r.Server.Close() }

// WheelSpec describes a wheel to build.
type WheelSpec struct {
	Name, Version string
	Tag           string            // "py3-none-any" when empty
	Files         map[string]string // archive path → content, besides .dist-info
	Scripts       map[string]string // console_scripts: name → "module:function"
	Requires      []string          // Requires-Dist values, e.g. "six>=1.0; python_version < '4'"
}

// Wheel builds a valid wheel (METADATA, WHEEL, entry_points.txt, RECORD with sha256 hashes) and returns its
// file name and bytes. Entries are written in sorted order with a fixed time, so the bytes are stable.
func Wheel(spec WheelSpec) (string, []byte) {
	tag := spec.Tag
	if tag == "" {
		tag = "py3-none-any"
	}
	dist := strings.ReplaceAll(spec.Name, "-", "_")
	info := dist + "-" + spec.Version + ".dist-info"
	files := map[string]string{}
	for k, v := range spec.Files {
		files[k] = v
	}
	md := "Metadata-Version: 2.1\nName: " + spec.Name + "\nVersion: " + spec.Version + "\n"
	for _, r := range spec.Requires {
		md += "Requires-Dist: " + r + "\n"
	}
	files[info+"/METADATA"] = md + "\nA long description.\nRequires-Dist: not-a-header\n"
	files[info+"/WHEEL"] = "Wheel-Version: 1.0\nGenerator: testkit\nRoot-Is-Purelib: " + fmt.Sprint(strings.HasSuffix(tag, "-none-any")) + "\nTag: " + tag + "\n"
	if len(spec.Scripts) > 0 {
		var b strings.Builder
		b.WriteString("[console_scripts]\n")
		for _, name := range slices.Sorted(maps.Keys(spec.Scripts)) {
			fmt.Fprintf(&b, "%s = %s\n", name, spec.Scripts[name])
		}
		files[info+"/entry_points.txt"] = b.String()
	}
	var record strings.Builder
	for _, name := range slices.Sorted(maps.Keys(files)) {
		sum := sha256.Sum256([]byte(files[name]))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", name, base64.RawURLEncoding.EncodeToString(sum[:]), len(files[name]))
	}
	record.WriteString(info + "/RECORD,,\n")
	files[info+"/RECORD"] = record.String()

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			panic(err)
		}
		io.WriteString(w, files[name])
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return dist + "-" + spec.Version + "-" + tag + ".whl", buf.Bytes()
}

// SHA256 is the hex sha256 of data.
func SHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Index is a PEP 691 JSON simple index on 127.0.0.1 serving files added to it.
type Index struct {
	Server *httptest.Server
	mu     sync.Mutex
	files  map[string][]indexFile // normalized project → files
	// Pages, Downloads and Metadata count the project-page, file and PEP 658 metadata requests served.
	Pages, Downloads, Metadata atomic.Int64
	// CoreMetadata makes the index offer each wheel's METADATA as a PEP 658 .metadata file, with its sha256.
	CoreMetadata bool
}

type indexFile struct {
	name           string
	data           []byte
	hash           string // advertised sha256; "" advertises none
	yanked         bool
	requiresPython string
}

// Yank marks filename yanked (PEP 592).
func (ix *Index) Yank(filename string) { ix.set(filename, func(f *indexFile) { f.yanked = true }) }

// RequiresPython advertises spec as filename's requires-python.
func (ix *Index) RequiresPython(filename, spec string) {
	ix.set(filename, func(f *indexFile) { f.requiresPython = spec })
}

func (ix *Index) set(filename string, change func(*indexFile)) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, files := range ix.files {
		for i := range files {
			if files[i].name == filename {
				change(&files[i])
			}
		}
	}
}

// metadata is the METADATA inside a wheel's data.
func metadata(data []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".dist-info/METADATA") {
			rc, err := f.Open()
			if err != nil {
				return nil
			}
			md, _ := io.ReadAll(rc)
			rc.Close()
			return md
		}
	}
	return nil
}

// NewIndex starts an empty index; call Close when done.
func NewIndex() *Index {
	ix := &Index{files: map[string][]indexFile{}}
	ix.Server = httptest.NewServer(http.HandlerFunc(ix.serve))
	return ix
}

// URL is the index URL to give a pypi client.
func (ix *Index) URL() string { return ix.Server.URL + "/simple/" }

// Close stops the index.
func (ix *Index) Close() { ix.Server.Close() }

// Add serves data as filename of project, advertising its true sha256.
func (ix *Index) Add(project, filename string, data []byte) {
	ix.AddWithHash(project, filename, data, SHA256(data))
}

// AddWithHash serves data as filename, advertising hash (which may be wrong, or "" for none).
func (ix *Index) AddWithHash(project, filename string, data []byte, hash string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	key := normalize(project)
	ix.files[key] = append(ix.files[key], indexFile{name: filename, data: data, hash: hash})
}

// FileURL is where the index serves filename.
func (ix *Index) FileURL(filename string) string { return ix.Server.URL + "/files/" + filename }

func normalize(name string) string {
	name = strings.ToLower(name)
	for _, sep := range []string{"_", "."} {
		name = strings.ReplaceAll(name, sep, "-")
	}
	return name
}

func (ix *Index) serve(w http.ResponseWriter, r *http.Request) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	switch {
	case strings.HasPrefix(r.URL.Path, "/simple/"):
		ix.Pages.Add(1)
		project := strings.Trim(strings.TrimPrefix(r.URL.Path, "/simple/"), "/")
		files, ok := ix.files[project]
		if !ok {
			http.NotFound(w, r)
			return
		}
		type jsonFile struct {
			Filename       string            `json:"filename"`
			URL            string            `json:"url"`
			Hashes         map[string]string `json:"hashes"`
			Yanked         bool              `json:"yanked,omitempty"`
			RequiresPython string            `json:"requires-python,omitempty"`
			CoreMetadata   map[string]string `json:"core-metadata,omitempty"`
		}
		page := struct {
			Meta  map[string]string `json:"meta"`
			Name  string            `json:"name"`
			Files []jsonFile        `json:"files"`
		}{Meta: map[string]string{"api-version": "1.1"}, Name: project}
		for _, f := range files {
			h := map[string]string{}
			if f.hash != "" {
				h["sha256"] = f.hash
			}
			jf := jsonFile{Filename: f.name, URL: "../../files/" + f.name, Hashes: h, Yanked: f.yanked, RequiresPython: f.requiresPython}
			if ix.CoreMetadata && strings.HasSuffix(f.name, ".whl") {
				jf.CoreMetadata = map[string]string{"sha256": SHA256(metadata(f.data))}
			}
			page.Files = append(page.Files, jf)
		}
		w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
		json.NewEncoder(w).Encode(page)
	case strings.HasPrefix(r.URL.Path, "/files/") && strings.HasSuffix(r.URL.Path, ".whl.metadata") && ix.CoreMetadata:
		ix.Metadata.Add(1)
		name := strings.TrimSuffix(path.Base(r.URL.Path), ".metadata")
		for _, files := range ix.files {
			for _, f := range files {
				if f.name == name {
					w.Write(metadata(f.data))
					return
				}
			}
		}
		http.NotFound(w, r)
	case strings.HasPrefix(r.URL.Path, "/files/"):
		ix.Downloads.Add(1)
		name := path.Base(r.URL.Path)
		for _, files := range ix.files {
			for _, f := range files {
				if f.name == name {
					w.Write(f.data)
					return
				}
			}
		}
		http.NotFound(w, r)
	default:
		http.NotFound(w, r)
	}
}
