package sbom

import "testing"

func TestPythonLicense(t *testing.T) {
	for _, c := range []struct {
		d              dist
		declared, said string
	}{
		{dist{LicenseExpression: "MIT OR Apache-2.0"}, "MIT OR Apache-2.0", ""},
		{dist{LicenseExpression: "LicenseRef-Proprietary"}, "NOASSERTION", "LicenseRef-Proprietary"},
		{dist{License: "BSD"}, "NOASSERTION", "BSD"},
		{dist{License: "Apache License, Version 2.0"}, "Apache-2.0", ""},
		{dist{License: "Copyright (c) 2020 Someone\nPermission is hereby granted"}, "NOASSERTION", "Copyright (c) 2020 Someone"},
		{dist{Classifiers: []string{"License :: OSI Approved :: MIT License"}}, "MIT", ""},
		// Two classifiers: alternatives or both, METADATA does not say.
		{dist{Classifiers: []string{"License :: OSI Approved :: MIT License", "License :: OSI Approved :: Apache Software License"}}, "NOASSERTION",
			"License :: OSI Approved :: MIT License; License :: OSI Approved :: Apache Software License"},
		{dist{Classifiers: []string{"License :: OSI Approved :: BSD License"}}, "NOASSERTION", "License :: OSI Approved :: BSD License"},
		{dist{}, "NOASSERTION", ""},
	} {
		declared, said := pythonLicense(&c.d)
		if declared != c.declared || said != c.said {
			t.Errorf("%+v: %q, %q; want %q, %q", c.d, declared, said, c.declared, c.said)
		}
	}
}

func TestDebianLicense(t *testing.T) {
	refs := map[string]string{}
	for _, c := range []struct {
		in   []string
		want string
	}{
		{[]string{"GPL-2+"}, "GPL-2.0-or-later"},
		{[]string{"Expat", "GPL-2+ or Artistic"}, "MIT AND (GPL-2.0-or-later OR LicenseRef-Artistic)"},
		{[]string{"GPL-3+ with Bison exception"}, "LicenseRef-GPL-3-with-Bison-exception"},
		{[]string{"PostgreSQL", "PostgreSQL and Custom-regex and Tcl", "BSD-3-clause", "Tcl"}, "PostgreSQL AND LicenseRef-Custom-regex AND LicenseRef-Tcl AND BSD-3-Clause"},
		{[]string{"GPL-2+ or Artistic"}, "GPL-2.0-or-later OR LicenseRef-Artistic"},
		{nil, "NOASSERTION"},
	} {
		if got := debianLicense(c.in, refs); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
	if refs["LicenseRef-GPL-3-with-Bison-exception"] != "GPL-3+ with Bison exception" || refs["LicenseRef-Artistic"] != "Artistic" {
		t.Errorf("refs %v", refs)
	}
}
