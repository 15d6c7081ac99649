package migrate

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestImports(t *testing.T) {
	fsys := fstest.MapFS{
		"src/manage.py":                              text("import os\nimport sys\nimport django\n"),
		"src/shop/__init__.py":                       text(""),
		"src/shop/settings.py":                       text("from shop import urls\nimport environ\nfrom . import local\nfrom .base import *\n"),
		"src/shop/views.py":                          text("import yaml, requests.adapters\nfrom google.protobuf import message\nfrom google import auth\nimport google.cloud.storage\n\ndef f():\n    import bs4\n"),
		"src/shop/helpers.py":                        text("import signals  # a sibling module\nimport utils\nimport __future__\nimport urllib2\nimport distutils.core\n"),
		"src/shop/signals.py":                        text("import yaml\n"),
		"src/utils.py":                               text(""),
		"src/ns/mod.py":                              text("import numpy\nimport ns.other  # a namespace package of the project\nimport lib.tool\n"),
		"lib/tool.py":                                text("import requests\n"),
		"src/venv/pyvenv.cfg":                        text("version = 3.11.4\n"),
		"src/venv/lib/python3.11/site-packages/x.py": text("import leaked\n"),
		"src/venv/lib/python3.11/os.py":              text("import nt\n"),
		"old-env/bin/activate":                       text(""),
		"old-env/lib/python2.7/UserDict.py":          text("import _abcoll\n"),
		"node_modules/pkg/x.py":                      text("import leaked\n"),
		".git/hooks/x.py":                            text("import leaked\n"),
		"setup.py":                                   text("from setuptools import setup\n"),
		"src/shop/__pycache__/x.py":                  text("import leaked\n"),
		"src/broken.py":                              text("import (\n"),
	}
	got, err := Imports(fsys, "src")
	if err != nil {
		t.Fatal(err)
	}
	want := []Import{
		{Module: "bs4", Source: "src/shop/views.py:7", Suggest: "beautifulsoup4"},
		{Module: "django", Source: "src/manage.py:3"},
		{Module: "environ", Source: "src/shop/settings.py:2", Suggest: "django-environ"},
		{Module: "google.auth", Source: "src/shop/views.py:3", Suggest: "google-auth"},
		{Module: "google.cloud", Source: "src/shop/views.py:4"},
		{Module: "google.protobuf", Source: "src/shop/views.py:2", Suggest: "protobuf"},
		{Module: "numpy", Source: "src/ns/mod.py:1"},
		{Module: "requests", Source: "lib/tool.py:1"},
		{Module: "urllib2", Source: "src/shop/helpers.py:4", Py2Only: true, Suggest: "urllib.request"},
		{Module: "yaml", Source: "src/shop/signals.py:1", Suggest: "PyYAML"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Imports (-want +got):\n%s", diff)
	}
}

func TestImportsMissingAppRoot(t *testing.T) {
	_, err := Imports(fstest.MapFS{"a.py": text("")}, "nowhere")
	if err == nil {
		t.Fatal("no error for a missing app root")
	}
}
