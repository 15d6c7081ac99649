package image

import (
	"fmt"
	"io/fs"
	"path"

	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/wheel"
)

// VenvPrefix is where the dependencies go, as in the generated Dockerfile.
const VenvPrefix = "/opt/venv"

// venv is what the skeleton of the virtualenv depends on; it is part of the dependency layer's cache key.
type venv struct {
	Prefix      string `json:"prefix"`
	Interpreter string `json:"interpreter"` // the base's python3.X
	Version     string `json:"version"`     // "3.12.7"
	Minor       string `json:"minor"`       // "3.12"
	Lib64       bool   `json:"lib64"`
}

// bits64 are the wheel architectures of 64-bit interpreters, for which `python -m venv` adds lib64 -> lib.
var bits64 = map[string]bool{"x86_64": true, "aarch64": true, "ppc64": true, "ppc64le": true, "s390x": true, "riscv64": true, "loongarch64": true}

func venvFor(b *base.Base) venv {
	return venv{Prefix: VenvPrefix, Interpreter: b.Interpreter, Version: b.Python, Minor: b.MinorVersion(), Lib64: bits64[b.Arch]}
}

func (v venv) layout() wheel.Layout { return wheel.VenvLayout(v.Prefix, v.Minor) }

// entries is what `python -m venv --without-pip` creates: pyvenv.cfg pointing at the base's interpreter,
// bin/python, python3 and python3.X links to it, an empty include/ and site-packages, and lib64 -> lib on
// 64-bit platforms.
func (v venv) entries() []layer.Entry {
	dir := func(p string) layer.Entry { return layer.Entry{Path: p, Mode: fs.ModeDir | 0o755} }
	link := func(p, to string) layer.Entry { return layer.Entry{Path: p, Mode: fs.ModeSymlink, Link: to} }
	bin := path.Join(v.Prefix, "bin")
	cfg := fmt.Sprintf("home = %s\ninclude-system-site-packages = false\nversion = %s\nexecutable = %s\n",
		path.Dir(v.Interpreter), v.Version, v.Interpreter)
	out := []layer.Entry{
		dir(v.Prefix),
		dir(bin),
		dir(path.Join(v.Prefix, "include")),
		dir(v.layout().Purelib),
		{Path: path.Join(v.Prefix, "pyvenv.cfg"), Mode: 0o644, Data: []byte(cfg)},
		link(path.Join(bin, "python"), v.Interpreter),
		link(path.Join(bin, "python3"), "python"),
	}
	if minor := "python" + v.Minor; minor != "python3" {
		out = append(out, link(path.Join(bin, minor), "python"))
	}
	if v.Lib64 {
		out = append(out, link(path.Join(v.Prefix, "lib64"), "lib"))
	}
	return out
}
