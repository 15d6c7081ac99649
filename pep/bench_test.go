package pep

import "testing"

// benchVersions are versions as lockfiles, wheel names and Python targets
// spell them.
var benchVersions = []string{
	"3.12.7", "4.2.11", "2.31.0", "1.26.18", "2024.1", "21.2.0", "5.0.1",
	"1.0.0rc1", "2.0.0b3", "1.2.3.post1", "0.10.0.dev2", "20.17.1+ds", "v1.0", "1!2.0",
}

// benchChecks are specifier sets (Requires-Python, requirements) and a
// version to check against each.
var benchChecks = []struct{ spec, version string }{
	{">=3.8,<4.0", "3.12.0"},
	{"~=3.11.0", "3.11.99"},
	{">=2.7,!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*", "3.12.99"},
	{"==4.2.*", "4.2.11"},
	{"<5,>=4.2", "4.2.11"},
	{">=1.0a1", "1.0b2"},
	{"!=1.5.2,>=1.4", "1.5.3"},
	{">=3.10", "3.9.18"},
}

func BenchmarkParseVersion(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range benchVersions {
			if _, err := ParseVersion(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCheck checks parsed versions against parsed sets.
func BenchmarkCheck(b *testing.B) {
	sets := make([]SpecifierSet, len(benchChecks))
	versions := make([]Version, len(benchChecks))
	for i, c := range benchChecks {
		sets[i], _ = ParseSpecifierSet(c.spec)
		versions[i], _ = ParseVersion(c.version)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range sets {
			sets[i].Check(versions[i], true)
		}
	}
}

// BenchmarkParseAndCheck is what callers do: parse the set and the version,
// then check.
func BenchmarkParseAndCheck(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range benchChecks {
			set, err := ParseSpecifierSet(c.spec)
			if err != nil {
				b.Fatal(err)
			}
			v, err := ParseVersion(c.version)
			if err != nil {
				b.Fatal(err)
			}
			set.Check(v, true)
		}
	}
}
