// Package resolve works out which Debian binary packages must be added to a
// base image so that the runtime packages a plan names are installed, as apt
// would, without running apt: it follows Depends and Pre-Depends (with
// alternatives, version constraints, architecture qualifiers and virtual
// packages through Provides) against a package index, counts what the base's
// dpkg database already has as satisfied, and says why each package is added.
//
// Recommends and Suggests are not followed (apt's --no-install-recommends,
// which is what the generated Dockerfile uses). Packages the base already has
// are never added again, and never upgraded: a dependency the base's version
// does not satisfy is an error asking for a base image of the same release.
//
// Nothing here touches the network or an archive; deb/archive produces the
// index and another package unpacks what is chosen.
package resolve

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"pault.ag/go/debian/dependency"
	"pault.ag/go/debian/version"

	"github.com/containerize/containerize/deb/archive"
)

// Package is one stanza of the archive's Packages index, as deb/archive reads it: the resolver reads
// its name, version, architecture, Multi-Arch and the raw Depends, Pre-Depends and Provides; the rest
// (where to fetch it, its hash) is carried through to the Plan.
type Package = archive.Package

// Installed is a package the base image's dpkg database lists as installed
// (see ParseStatus).
type Installed struct {
	Package      string
	Version      string
	Architecture string
	Provides     string
	MultiArch    string
	Essential    string
	Priority     string
	// Source is the Source field: the source package, "NAME" or "NAME (VERSION)" when its version differs;
	// empty when it is the binary package's own name and version.
	Source string
}

// Added is a package the base lacks and the plan adds.
type Added struct {
	Package
	// Why is the chain of package names from the requested package to this
	// one: ["libgdal32", "libproj25", "libsqlite3-0"]. A requested package's
	// chain is just its own name.
	Why []string
	// Relation is the dependency as written in the parent's control file that
	// pulled this package in ("libsqlite3-0 (>= 3.11.0)"); empty when
	// requested.
	Relation string
}

// WhyString renders the chain: "requested → libgdal32 → libproj25".
func (a Added) WhyString() string {
	return "requested → " + strings.Join(a.Why, " → ")
}

// Plan is the result of Resolve.
type Plan struct {
	// Packages are the packages to add, sorted by name.
	Packages []Added
	// AlreadyInstalled are the requested names the base already satisfies,
	// sorted.
	AlreadyInstalled []string
	// Notes are statements about how the set was computed, for display.
	Notes []string
}

// ChainError is a dependency that cannot be satisfied, with the chain of
// packages that led to it.
type ChainError struct {
	// Chain starts at the requested package and ends with the dependency as
	// written that failed: ["libgdal32", "libpoppler126 (>= 22.08)"].
	Chain  []string
	Reason string
}

func (e *ChainError) Error() string {
	var b strings.Builder
	for i, c := range e.Chain {
		if i > 0 {
			b.WriteString(" → ")
		}
		b.WriteString(c)
		if i == 0 {
			b.WriteString(" (requested)")
		}
	}
	b.WriteString(" → ")
	b.WriteString(e.Reason)
	return b.String()
}

// candidate is a package able to satisfy a possibility, in the index or in
// the base.
type candidate struct {
	name    string
	ver     version.Version
	arch    string
	multi   string
	provs   []provide
	pkg     *Package   // nil for installed
	inst    *Installed // nil for index
	rawVers string
}

type provide struct {
	name string
	rel  *dependency.VersionRelation // nil or "=" version
}

type world struct {
	arch      string
	index     map[string][]*candidate // by package name, highest version first
	providers map[string][]*candidate // by provided name
	base      map[string][]*candidate
	baseProv  map[string][]*candidate
}

func newCandidate(name, ver, arch, multi, provides string) (*candidate, error) {
	v, err := version.Parse(ver)
	if err != nil {
		return nil, fmt.Errorf("package %s: version %q: %w", name, ver, err)
	}
	c := &candidate{name: name, ver: v, arch: arch, multi: multi, rawVers: ver}
	if strings.TrimSpace(provides) != "" {
		d, err := dependency.Parse(provides)
		if err != nil {
			return nil, fmt.Errorf("package %s %s: Provides %q: %w", name, ver, provides, err)
		}
		for _, r := range d.Relations {
			for _, p := range r.Possibilities {
				c.provs = append(c.provs, provide{name: p.Name, rel: p.Version})
			}
		}
	}
	return c, nil
}

// fits reports whether a package of architecture a can be installed on arch.
func fits(a, arch string) bool { return a == arch || a == "all" }

// Resolve computes the packages to add to a base with the installed
// packages so that every requested name is installed on arch (amd64, arm64,
// …). Packages in index for other architectures are ignored; "all" always
// fits. All unsatisfiable dependencies are reported, joined, each a
// *ChainError; the Plan returned with an error holds what did resolve, for
// display only.
//
// Resolution is greedy and breadth-first, like apt's for a fresh install
// with no conflicts to weigh: requested names first, in order, then their
// Pre-Depends and Depends. For each relation: satisfied already by the base
// (any alternative) or by a package being added, nothing to do; otherwise
// the first alternative with an installable candidate wins, the real
// package of that name at the highest version satisfying the constraint,
// else a provider (one already added, then the highest version). Conflicts,
// Breaks and Replaces are not read: a set from one consistent release does
// not need them when adding to a base of that release.
func Resolve(req []string, index []Package, installed []Installed, arch string) (Plan, error) {
	w := &world{
		arch:      arch,
		index:     map[string][]*candidate{},
		providers: map[string][]*candidate{},
		base:      map[string][]*candidate{},
		baseProv:  map[string][]*candidate{},
	}
	for i := range index {
		p := &index[i]
		if !fits(p.Architecture, arch) {
			continue
		}
		c, err := newCandidate(p.Name, p.Version, p.Architecture, p.MultiArch, p.Provides)
		if err != nil {
			return Plan{}, fmt.Errorf("reading the package index: %w", err)
		}
		c.pkg = p
		w.index[c.name] = append(w.index[c.name], c)
		for _, pr := range c.provs {
			w.providers[pr.name] = append(w.providers[pr.name], c)
		}
	}
	for i := range installed {
		p := &installed[i]
		c, err := newCandidate(p.Package, p.Version, p.Architecture, p.MultiArch, p.Provides)
		if err != nil {
			return Plan{}, fmt.Errorf("reading the base's dpkg status: %w", err)
		}
		c.inst = p
		w.base[c.name] = append(w.base[c.name], c)
		for _, pr := range c.provs {
			w.baseProv[pr.name] = append(w.baseProv[pr.name], c)
		}
	}
	for _, m := range []map[string][]*candidate{w.index, w.providers} {
		for _, cs := range m {
			sort.SliceStable(cs, func(i, j int) bool {
				if c := version.Compare(cs[i].ver, cs[j].ver); c != 0 {
					return c > 0
				}
				return cs[i].name < cs[j].name
			})
		}
	}

	type item struct {
		c     *candidate
		chain []string
	}
	chosen := map[string]*Added{}
	var queue []item
	var errs []error
	plan := Plan{Notes: []string{"Recommends and Suggests are not followed (as apt-get install --no-install-recommends)."}}

	for _, name := range req {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		poss := dependency.Possibility{Name: name}
		if w.satisfiedByBase(poss) {
			plan.AlreadyInstalled = append(plan.AlreadyInstalled, name)
			continue
		}
		c, reason := w.pick(poss, chosen)
		if c == nil {
			errs = append(errs, &ChainError{Chain: []string{name}, Reason: reason})
			continue
		}
		if _, ok := chosen[c.name]; ok {
			continue
		}
		chain := []string{c.name}
		chosen[c.name] = &Added{Package: *c.pkg, Why: chain}
		queue = append(queue, item{c, chain})
	}

	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		p := it.c.pkg
		for _, field := range []struct{ name, val string }{{"Pre-Depends", p.PreDepends}, {"Depends", p.Depends}} {
			if strings.TrimSpace(field.val) == "" {
				continue
			}
			d, err := dependency.Parse(field.val)
			if err != nil {
				errs = append(errs, &ChainError{Chain: it.chain, Reason: fmt.Sprintf("%s of %s %s cannot be read (%q): %v", field.name, p.Name, p.Version, field.val, err)})
				continue
			}
			for _, rel := range d.Relations {
				c, relText, err := w.resolveRelation(rel, it.c, chosen, it.chain)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if c == nil {
					continue // satisfied by the base or by a package already chosen
				}
				chain := append(append([]string(nil), it.chain...), c.name)
				chosen[c.name] = &Added{Package: *c.pkg, Why: chain, Relation: relText}
				queue = append(queue, item{c, chain})
			}
		}
	}

	for _, a := range chosen {
		plan.Packages = append(plan.Packages, *a)
	}
	sort.Slice(plan.Packages, func(i, j int) bool { return plan.Packages[i].Name < plan.Packages[j].Name })
	sort.Strings(plan.AlreadyInstalled)
	if len(errs) > 0 {
		return plan, errors.Join(errs...)
	}
	return plan, nil
}

// resolveRelation returns the index package to add for one relation
// ("a | b (>= 2)"), nil when the base or the chosen set already satisfies
// it, or a *ChainError.
func (w *world) resolveRelation(rel dependency.Relation, parent *candidate, chosen map[string]*Added, chain []string) (*candidate, string, error) {
	var poss []dependency.Possibility
	for _, p := range rel.Possibilities {
		// Architecture restrictions ([amd64]) only appear in source
		// packages; honour them anyway.
		if p.Architectures != nil && len(p.Architectures.Architectures) > 0 {
			a, err := dependency.ParseArch(w.arch)
			if err == nil && !p.Architectures.Matches(a) {
				continue
			}
		}
		poss = append(poss, p)
	}
	if len(poss) == 0 {
		return nil, "", nil
	}
	relText := rel.String()
	// Already satisfied: by the base first (apt prefers what is installed),
	// then by what this plan adds.
	for _, p := range poss {
		if w.satisfiedByBase(p) {
			return nil, relText, nil
		}
	}
	for _, p := range poss {
		if w.satisfiedBy(p, chosenCandidates(w, chosen, p.Name)) {
			return nil, relText, nil
		}
	}
	// A real package of that name in the base at another version: never
	// upgrade the base.
	if len(poss) == 1 {
		p := poss[0]
		if bs := w.base[p.Name]; len(bs) > 0 && p.Version != nil {
			return nil, relText, &ChainError{Chain: chain, Reason: fmt.Sprintf(
				"%s needed by %s %s, the base has %s: use a base image of the same Debian release as the archive",
				p.String(), parent.name, parent.rawVers, bs[0].rawVers)}
		}
	}
	var reasons []string
	for _, p := range poss {
		c, reason := w.pick(p, chosen)
		if c == nil {
			reasons = append(reasons, p.String()+": "+reason)
			continue
		}
		if a, ok := chosen[c.name]; ok {
			// Another version of a package this plan already adds.
			return nil, relText, &ChainError{Chain: chain, Reason: fmt.Sprintf(
				"%s conflicts with %s %s, added for %s", p.String(), a.Name, a.Version, a.WhyString())}
		}
		return c, relText, nil
	}
	ch := append(append([]string(nil), chain...), relText)
	if len(poss) == 1 {
		_, reason := w.pick(poss[0], chosen)
		return nil, relText, &ChainError{Chain: ch, Reason: reason}
	}
	return nil, relText, &ChainError{Chain: ch, Reason: "none of the alternatives can be installed: " + strings.Join(reasons, "; ")}
}

func chosenCandidates(w *world, chosen map[string]*Added, name string) []*candidate {
	var out []*candidate
	if a, ok := chosen[name]; ok {
		for _, c := range w.index[name] {
			if c.pkg.Version == a.Version {
				out = append(out, c)
			}
		}
	}
	for _, c := range w.providers[name] {
		if a, ok := chosen[c.name]; ok && c.pkg.Version == a.Version {
			out = append(out, c)
		}
	}
	return out
}

// archOK checks the possibility's architecture qualifier against a
// candidate: none or :native means the native architecture (or all); :any
// also accepts other architectures of a Multi-Arch: allowed package.
func (w *world) archOK(p dependency.Possibility, c *candidate) bool {
	q := ""
	if p.Arch != nil {
		q = p.Arch.String()
	}
	switch q {
	case "", "native":
		return fits(c.arch, w.arch)
	case "any":
		return fits(c.arch, w.arch) || c.multi == "allowed"
	default:
		return c.arch == q
	}
}

// matches reports whether candidate c satisfies possibility p, by its own
// name or through one of its Provides.
func (w *world) matches(p dependency.Possibility, c *candidate) bool {
	if !w.archOK(p, c) {
		return false
	}
	if c.name == p.Name {
		return p.Version == nil || p.Version.SatisfiedBy(c.ver)
	}
	for _, pr := range c.provs {
		if pr.name != p.Name {
			continue
		}
		if p.Version == nil {
			return true
		}
		// Only a versioned Provides (name (= v)) satisfies a versioned
		// dependency.
		if pr.rel != nil && pr.rel.Operator == "=" {
			v, err := version.Parse(pr.rel.Number)
			if err == nil && p.Version.SatisfiedBy(v) {
				return true
			}
		}
	}
	return false
}

func (w *world) satisfiedBy(p dependency.Possibility, cs []*candidate) bool {
	for _, c := range cs {
		if w.matches(p, c) {
			return true
		}
	}
	return false
}

func (w *world) satisfiedByBase(p dependency.Possibility) bool {
	return w.satisfiedBy(p, w.base[p.Name]) || w.satisfiedBy(p, w.baseProv[p.Name])
}

// pick chooses the index package for a possibility: the real package of
// that name at the highest satisfying version, else a provider (one already
// chosen first, then the highest version, then by name). It returns a
// reason when there is none.
func (w *world) pick(p dependency.Possibility, chosen map[string]*Added) (*candidate, string) {
	if bs := w.base[p.Name]; len(bs) > 0 {
		// Never upgrade or replace what the base has.
		return nil, fmt.Sprintf("the base has %s %s (%s), which does not satisfy it and is not replaced: use a base image of the same Debian release and architecture as the archive", p.Name, bs[0].rawVers, bs[0].arch)
	}
	for _, c := range w.index[p.Name] {
		if w.matches(p, c) {
			return c, ""
		}
	}
	var provs []*candidate
	for _, c := range w.providers[p.Name] {
		if len(w.base[c.name]) == 0 && w.matches(p, c) {
			provs = append(provs, c)
		}
	}
	for _, c := range provs {
		if a, ok := chosen[c.name]; ok && a.Version == c.rawVers {
			return c, ""
		}
	}
	if len(provs) > 0 {
		return provs[0], ""
	}
	if cs := w.index[p.Name]; len(cs) > 0 {
		var vs []string
		for _, c := range cs {
			vs = append(vs, c.rawVers+" ("+c.arch+")")
		}
		return nil, "the archive has only " + strings.Join(vs, ", ")
	}
	if len(w.providers[p.Name]) > 0 {
		var vs []string
		for _, c := range w.providers[p.Name] {
			vs = append(vs, c.name+" "+c.rawVers)
		}
		return nil, "no provider satisfies it (provided by " + strings.Join(vs, ", ") + ")"
	}
	return nil, "not in the archive for " + w.arch
}
