package detect

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/containerize/containerize/django"
	"github.com/containerize/containerize/internal/ownfile"
)

// deployedDatabase decides the production database of settings that read it from the
// environment: the default the settings fall back to (sqlite:///db.sqlite3, often) serves
// development, while the project's own deployment files say what production sets. In order,
// the value a compose file or an example env file (.env.example, .env.sample, .env.dev …)
// gives the variable the settings read (DATABASE_URL), then the database server a compose
// file runs (a postgres or mysql image). The settings' own value is kept in a note.
func deployedDatabase(t *tree, p *Project) error {
	d := p.Django
	if d == nil || !d.DatabaseEngineFromEnv {
		return nil
	}
	family, source, detail, err := deploymentDatabase(t, p, dbVars{url: d.DatabaseURLEnv, engine: d.DatabaseEngineEnv})
	if err != nil {
		return err
	}
	if family == "" {
		if family, source, detail, err = localDatabase(t, p, dbVars{url: d.DatabaseURLEnv, engine: d.DatabaseEngineEnv}); err != nil {
			return err
		}
	}
	if family == "" || family == d.Database || d.Database == "postgis" && family == "postgres" {
		return nil
	}
	was := "no default the settings can be read for"
	if d.Database != "" {
		was = "the settings' default, " + d.Database + " (" + d.DatabaseSource + "), serves development"
	}
	d.Notes = append(d.Notes, django.Note{Source: source,
		Message: fmt.Sprintf("the database is %s: %s; %s", family, detail, was)})
	d.Database, d.DatabaseSource = family, source
	return nil
}

// localDatabase is the server this checkout's own .env (not committed) points the settings
// at, when the project also installs that server's driver: the containers read the same
// .env, so a sqlite stack would start with a URL to a server that is not there. The
// decision is saved in containerize.toml, so a teammate's clone without that .env gets it
// too.
func localDatabase(t *tree, p *Project, vars dbVars) (family, source, detail string, err error) {
	if !t.files[".env"] || p.DotEnvTracked {
		return "", "", "", nil // a committed .env was read with the deployment files
	}
	b, err := t.readFile(".env")
	if err != nil || ownfile.Is(b) {
		return "", "", "", err
	}
	fam, line := envFileDatabase(b, vars)
	if fam == "" {
		return "", "", "", nil
	}
	for _, dep := range p.dependencies() {
		if svc := depService(dep.Name); svc != "" && sameDatabase(svc, fam) {
			return fam, fmt.Sprintf(".env:%d", line), fmt.Sprintf("this checkout's .env sets %s and the project installs %s (%s)", vars, dep.Name, dep.Source), nil
		}
	}
	return "", "", "", nil
}

// dbVars are the variables the settings choose the database engine by: a URL, an ENGINE.
type dbVars struct{ url, engine string }

// String names the variables for people: "$DATABASE_URL", "$DB_ENGINE".
func (vs dbVars) String() string {
	var names []string
	for _, n := range []string{vs.url, vs.engine} {
		if n != "" {
			names = append(names, "$"+n)
		}
	}
	return strings.Join(names, " or ")
}

// family is the database family value v gives the variable name ("" for neither).
func (vs dbVars) family(name, v string) string {
	switch {
	case name == "":
		return ""
	case name == vs.url:
		return urlFamily(v)
	case name == vs.engine:
		return django.EngineFamily(composeDefault(v))
	}
	return ""
}

// deploymentDatabase reads the deployment files; family is "" when they name no database.
func deploymentDatabase(t *tree, p *Project, urlEnv dbVars) (family, source, detail string, err error) {
	var composes, envFiles []string
	if p.Docker.Compose != "" {
		composes = append(composes, p.Docker.Compose)
	}
	for _, f := range sortedFiles(t) {
		base := path.Base(f)
		switch {
		case composeFileName().MatchString(base) && f != p.Docker.Compose:
			composes = append(composes, f)
		case f == ".env" && p.DotEnvTracked: // committed, so the same for everyone
			envFiles = append(envFiles, f)
		case base != ".env" && (strings.HasPrefix(base, ".env.") || strings.HasSuffix(base, ".env") ||
			strings.HasSuffix(base, ".env.example") || strings.HasSuffix(base, ".env.sample")):
			envFiles = append(envFiles, f)
		}
	}
	var images []Finding
	for _, f := range composes {
		b, err := t.readFile(f)
		if err != nil {
			return "", "", "", err
		}
		if ownfile.Is(b) {
			continue
		}
		fam, src, imgs := composeDatabase(f, b, urlEnv)
		if fam != "" {
			return fam, src, "the compose file sets " + urlEnv.String(), nil
		}
		images = append(images, imgs...)
	}
	for _, f := range envFiles {
		b, err := t.readFile(f)
		if err != nil {
			return "", "", "", err
		}
		if ownfile.Is(b) {
			continue
		}
		if fam, line := envFileDatabase(b, urlEnv); fam != "" {
			return fam, fmt.Sprintf("%s:%d", f, line), f + " sets " + urlEnv.String(), nil
		}
	}
	if len(images) > 0 {
		return images[0].Name, images[0].Source, images[0].Detail, nil
	}
	return "", "", "", nil
}

// composeDatabase reads a compose file: the database family a service's environment gives
// urlEnv (a value or a ${VAR-default}), and the database servers its services' images run.
func composeDatabase(name string, b []byte, urlEnv dbVars) (family, source string, images []Finding) {
	var doc yaml.Node
	if yaml.Unmarshal(b, &doc) != nil || len(doc.Content) == 0 {
		return "", "", nil // findDockerFiles reports a compose file that is not YAML
	}
	services := mapValue(&doc, "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return "", "", nil
	}
	for i := 0; i+1 < len(services.Content); i += 2 {
		body := services.Content[i+1]
		if img := mapValue(body, "image"); img != nil && img.Kind == yaml.ScalarNode {
			if fam := imageDatabase(img.Value); fam != "" {
				images = append(images, Finding{Name: fam, Source: fmt.Sprintf("%s:%d", name, img.Line),
					Detail: "the compose service " + services.Content[i].Value + " runs " + img.Value})
			}
		}
		env := mergedValue(body, "environment", 0)
		if env == nil {
			continue
		}
		switch env.Kind {
		case yaml.MappingNode:
			for j := 0; j+1 < len(env.Content); j += 2 {
				if fam := urlEnv.family(env.Content[j].Value, env.Content[j+1].Value); fam != "" {
					return fam, fmt.Sprintf("%s:%d", name, env.Content[j].Line), images
				}
			}
		case yaml.SequenceNode:
			for _, it := range env.Content {
				if k, v, ok := strings.Cut(it.Value, "="); ok {
					if fam := urlEnv.family(k, v); fam != "" {
						return fam, fmt.Sprintf("%s:%d", name, it.Line), images
					}
				}
			}
		}
	}
	return "", "", images
}

// envFileDatabase finds the database variables in a .env-style file.
func envFileDatabase(b []byte, urlEnv dbVars) (family string, line int) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		if k, v, ok := strings.Cut(l, "="); ok {
			if fam := urlEnv.family(strings.TrimSpace(k), v); fam != "" {
				return fam, n
			}
		}
	}
	return "", 0
}

// urlFamily is the database family of a URL value, reading through quotes and a compose
// interpolation's default (${DATABASE_URL-sqlite:////app/db.sqlite3}).
func urlFamily(v string) string {
	v = composeDefault(v)
	scheme, _, ok := strings.Cut(v, "://")
	if !ok {
		scheme, _, ok = strings.Cut(v, ":")
	}
	if !ok {
		return ""
	}
	if i := strings.IndexByte(scheme, '+'); i > 0 {
		scheme = scheme[:i]
	}
	return django.DatabaseURLFamily(strings.ToLower(scheme))
}

// composeDefault is a value with its quotes removed and a compose interpolation replaced
// by its default (${X-d}, ${X:-d}); "" for an interpolation without one.
func composeDefault(v string) string {
	v = strings.Trim(strings.TrimSpace(v), `"'`)
	if strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}") {
		inner := v[2 : len(v)-1]
		i := strings.IndexAny(inner, ":-")
		if i < 0 {
			return ""
		}
		v = strings.TrimPrefix(strings.TrimPrefix(inner[i:], ":"), "-")
	}
	return v
}

// imageDatabase is the database family a container image serves ("" for other images).
func imageDatabase(image string) string {
	name, _, _ := strings.Cut(path.Base(image), ":")
	name, _, _ = strings.Cut(name, "@")
	switch name {
	case "postgres", "timescaledb", "timescaledb-ha":
		return "postgres"
	case "postgis":
		return "postgis"
	case "mysql", "mariadb", "percona", "mysql-server":
		return "mysql"
	}
	return ""
}

// mergedValue is mapValue that also looks into the mappings a YAML merge key brings in
// (`<<: *web-defaults`, the usual way compose files share one environment).
func mergedValue(n *yaml.Node, key string, depth int) *yaml.Node {
	if v := mapValue(n, key); v != nil || depth > 4 {
		return v
	}
	merge := mapValue(n, "<<")
	if merge == nil {
		return nil
	}
	srcs := []*yaml.Node{merge}
	if merge.Kind == yaml.SequenceNode {
		srcs = merge.Content
	}
	for _, m := range srcs {
		if m.Kind == yaml.AliasNode && m.Alias != nil {
			m = m.Alias
		}
		if v := mergedValue(m, key, depth+1); v != nil {
			return v
		}
	}
	return nil
}
