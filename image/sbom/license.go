package sbom

import (
	"strings"
)

// knownIDs are the SPDX license identifiers this recognises, by lower-cased spelling; the values are the
// canonical spelling. The list is short on purpose: a license is stated only when its identifier is
// certain, else the document says NOASSERTION and keeps the package's own words in licenseComments.

func knownIDs() map[string]string {
	m := map[string]string{}
	for _, id := range []string{
		"0BSD", "AFL-2.1", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0", "Artistic-2.0",
		"BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause", "BSD-4-Clause", "BSL-1.0", "CC-BY-4.0", "CC0-1.0",
		"curl", "EPL-1.0", "EPL-2.0", "FSFAP", "FSFUL", "FSFULLR", "GFDL-1.2-or-later", "GFDL-1.3-or-later",
		"GPL-1.0-or-later", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "HPND",
		"ISC", "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only",
		"LGPL-3.0-or-later", "MIT", "MIT-0", "MPL-1.1", "MPL-2.0", "OpenSSL", "PostgreSQL", "PSF-2.0", "Python-2.0",
		"Unicode-DFS-2016", "Unlicense", "WTFPL", "X11", "Zlib", "ZPL-2.1",
	} {
		m[strings.ToLower(id)] = id
	}
	return m
}

// aliases are other spellings that name exactly one SPDX license: Debian's short names
// (https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/#license-short-name) and common
// values of the METADATA License field.
var aliases = map[string]string{
	"expat": "MIT", "mit license": "MIT",
	"gpl-1+": "GPL-1.0-or-later",
	"gpl-2":  "GPL-2.0-only", "gpl-2+": "GPL-2.0-or-later", "gpl-3": "GPL-3.0-only", "gpl-3+": "GPL-3.0-or-later",
	"lgpl-2": "LGPL-2.0-only", "lgpl-2+": "LGPL-2.0-or-later", "lgpl-2.1": "LGPL-2.1-only",
	"lgpl-2.1+": "LGPL-2.1-or-later", "lgpl-3": "LGPL-3.0-only", "lgpl-3+": "LGPL-3.0-or-later",
	"agpl-3": "AGPL-3.0-only", "agpl-3+": "AGPL-3.0-or-later",
	"gfdl-1.2+": "GFDL-1.2-or-later", "gfdl-1.3+": "GFDL-1.3-or-later",
	"psf-2": "PSF-2.0", "zope-2.1": "ZPL-2.1", "mpl-1.1": "MPL-1.1",
	"apache 2.0": "Apache-2.0", "apache-2": "Apache-2.0", "apache license 2.0": "Apache-2.0",
	"apache license, version 2.0": "Apache-2.0", "apache software license 2.0": "Apache-2.0",
	"bsd-2-clause license": "BSD-2-Clause", "bsd-3-clause license": "BSD-3-Clause",
	"new bsd license": "BSD-3-Clause", "modified bsd license": "BSD-3-Clause",
	"mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
}

// classifiers are the Trove license classifiers that name one SPDX license; "BSD License", "Apache
// Software License" and the like do not say which version or variant.
var classifiers = map[string]string{
	"License :: OSI Approved :: MIT License":                                        "MIT",
	"License :: OSI Approved :: MIT No Attribution License (MIT-0)":                 "MIT-0",
	"License :: OSI Approved :: ISC License (ISCL)":                                 "ISC",
	"License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)":               "MPL-2.0",
	"License :: OSI Approved :: Python Software Foundation License":                 "PSF-2.0",
	"License :: OSI Approved :: The Unlicense (Unlicense)":                          "Unlicense",
	"License :: OSI Approved :: Zope Public License":                                "",
	"License :: OSI Approved :: Apache Software License":                            "",
	"License :: OSI Approved :: BSD License":                                        "",
	"License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication":               "CC0-1.0",
	"License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)":               "BSL-1.0",
	"License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)":               "EPL-2.0",
	"License :: OSI Approved :: GNU Affero General Public License v3":               "AGPL-3.0-only",
	"License :: OSI Approved :: Historical Permission Notice and Disclaimer (HPND)": "HPND",
}

// licenseID maps one license name to its SPDX identifier, or "".
func licenseID(ids map[string]string, s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if id, ok := ids[s]; ok {
		return id
	}
	return aliases[s]
}

// expression maps a license expression whose operators are AND and OR (any case) and whose terms all map
// to SPDX identifiers; else "". WITH (an exception) and parentheses are not mapped. With refs, a term that
// does not map becomes LicenseRef-TERM, recorded in refs (LicenseRef ID → the term as written).
func expression(ids map[string]string, s string, refs map[string]string) string {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return ""
	}
	if refs != nil && strings.ContainsAny(s, "()") {
		return licenseRef(refs, s)
	}
	var out, term []string
	flush := func() bool {
		t := strings.Join(term, " ")
		term = nil
		id := licenseID(ids, t)
		if id == "" && refs != nil && t != "" {
			id = licenseRef(refs, t)
		}
		if id == "" {
			return false
		}
		out = append(out, id)
		return true
	}
	for _, f := range fields {
		switch op := strings.ToUpper(f); op {
		case "AND", "OR":
			if !flush() {
				return ""
			}
			out = append(out, op)
		default:
			if refs == nil && (strings.ContainsAny(f, "()") || op == "WITH") {
				return ""
			}
			term = append(term, f)
		}
	}
	if !flush() {
		return ""
	}
	return strings.Join(out, " ")
}

// licenseRef names a license SPDX has no identifier for, as Debian's copyright files do
// ("public-domain", "GPL-3+ with Bison exception"): LicenseRef- and the name with what an ID cannot
// hold replaced by "-".
func licenseRef(refs map[string]string, name string) string {
	id := idSafe(name)
	for strings.Contains(id, "--") {
		id = strings.ReplaceAll(id, "--", "-")
	}
	id = "LicenseRef-" + strings.Trim(id, "-")
	refs[id] = name
	return id
}

// debianLicense is the licenseDeclared of a Debian package whose copyright file names licenses: all of them
// (the files of a package are under each), those SPDX has no identifier for as LicenseRef-NAME (recorded
// in refs).
func debianLicense(licenses []string, refs map[string]string) string {
	if len(licenses) == 0 {
		return noAssertion
	}
	ids := knownIDs()
	var terms []string
	seen := map[string]bool{}
	for _, l := range licenses {
		e := expression(ids, l, refs)
		if e == "" {
			continue
		}
		// "A and B" adds A and B; "A or B" stays one choice.
		parts := strings.Split(e, " AND ")
		if strings.Contains(e, " OR ") {
			parts = []string{"(" + e + ")"}
			if len(licenses) == 1 {
				parts = []string{e}
			}
		}
		for _, p := range parts {
			if !seen[p] {
				seen[p] = true
				terms = append(terms, p)
			}
		}
	}
	if len(terms) == 0 {
		return noAssertion
	}
	return strings.Join(terms, " AND ")
}

// pythonLicense is a distribution's licenseDeclared and its own words: License-Expression (PEP 639), else
// the License field, else the license classifiers.
func pythonLicense(d *dist) (declared, raw string) {
	ids := knownIDs()
	if d.LicenseExpression != "" {
		if e := expression(ids, d.LicenseExpression, nil); e != "" {
			return e, ""
		}
		return noAssertion, clip(d.LicenseExpression)
	}
	if d.License != "" && !strings.Contains(d.License, "\n") {
		if e := expression(ids, d.License, nil); e != "" {
			return e, ""
		}
	}
	var found []string
	for _, c := range d.Classifiers {
		if id := classifiers[c]; id != "" {
			found = append(found, id)
		}
	}
	words := clip(d.License)
	if len(d.Classifiers) > 0 {
		words = strings.TrimPrefix(words+"; "+strings.Join(d.Classifiers, "; "), "; ")
	}
	// One classifier is the license; several may be alternatives or all apply, which METADATA does not say.
	if len(found) == 1 && len(d.Classifiers) == 1 {
		if d.License == "" {
			return found[0], ""
		}
		return found[0], words
	}
	if words == "" {
		return noAssertion, ""
	}
	return noAssertion, words
}

// clip keeps a license field's first line, briefly: some distributions paste the whole license text.
func clip(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
