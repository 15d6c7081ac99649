package kube

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gotest.tools/v3/golden"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/wizard"
)

// goldenSamples are the samples whose files are reviewed: a plain app on SQLite, Celery with
// worker and beat on Postgres and Redis, and one with a media volume and other workers.
var goldenSamples = []struct {
	sample string
	opts   Options
}{
	{"library", Options{}},
	{"requirements-celery", Options{Host: "shop.example.com", Image: "registry.example.com/shop"}},
	{"proc-rq", Options{}},
}

func planOf(t *testing.T, sample string) *plan.Plan {
	t.Helper()
	return samples.Plan(t, samples.Variant{Name: sample, Sample: sample, Flags: wizard.Flags{Yes: true}})
}

// TestGolden compares the files with their reviewed copies (go test ./kube -update).
func TestGolden(t *testing.T) {
	for _, s := range goldenSamples {
		t.Run(s.sample, func(t *testing.T) {
			files, err := Generate(planOf(t, s.sample), s.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				golden.Assert(t, string(f.Data), filepath.Join(s.sample, strings.TrimPrefix(f.Path, Dir+"/")))
			}
		})
	}
}

// TestOverlays renders every overlay of every sample with kustomize's own Go API, as
// `kubectl apply -k` would, and decodes every object strictly into its k8s.io/api type; then
// checks what the cluster would not: selectors, probes, the security context, the Secret.
func TestOverlays(t *testing.T) {
	for _, v := range samples.Variants(t) {
		t.Run(v.Name, func(t *testing.T) {
			pl := samples.Plan(t, v)
			files, err := Generate(pl, Options{Host: "shop.example.com"})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range Overlays {
				t.Run(o, func(t *testing.T) {
					objs, secrets := build(t, files, o)
					check(t, pl, objs, o)
					for _, s := range secrets {
						for _, f := range files {
							if strings.Contains(string(f.Data), s) {
								t.Errorf("%s holds a value of secret.env", f.Path)
							}
						}
						for _, cm := range objs.configMaps {
							for k, v := range cm.Data {
								if strings.Contains(v, s) {
									t.Errorf("ConfigMap %s: %s holds a value of secret.env", cm.Name, k)
								}
							}
						}
					}
				})
			}
		})
	}
}

// build writes the files into an in-memory file system with a secret.env made from the
// example (fresh values for each key), renders the overlay and decodes its objects. It
// returns the secret values it made up.
func build(t *testing.T, files []File, overlay string) (*objects, []string) {
	t.Helper()
	fs := filesys.MakeFsInMemory()
	var secrets []string
	for _, f := range files {
		if err := fs.WriteFile("/p/"+f.Path, f.Data); err != nil {
			t.Fatal(err)
		}
		if f.Path == path.Join(Dir, "overlays", overlay, "secret.env.example") {
			var env strings.Builder
			for i, line := range strings.Split(string(f.Data), "\n") {
				if k, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
					s := fmt.Sprintf("s3cr3t%dvalue%s", i, strings.ToLower(k))
					secrets = append(secrets, s)
					fmt.Fprintf(&env, "%s=%s\n", k, s)
				}
			}
			if err := fs.WriteFile("/p/"+path.Join(Dir, "overlays", overlay, "secret.env"), []byte(env.String())); err != nil {
				t.Fatal(err)
			}
		}
	}
	rm, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/p/"+path.Join(Dir, "overlays", overlay))
	if err != nil {
		t.Fatalf("kustomize build: %v", err)
	}
	objs := &objects{}
	for _, r := range rm.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		if err := objs.add(y); err != nil {
			t.Errorf("%s %s: %v\n%s", r.GetKind(), r.GetName(), err, y)
		}
	}
	return objs, secrets
}

// objects are the rendered objects, decoded.
type objects struct {
	deployments  []appsv1.Deployment
	statefulSets []appsv1.StatefulSet
	jobs         []batchv1.Job
	services     []corev1.Service
	configMaps   []corev1.ConfigMap
	secrets      []corev1.Secret
	claims       []corev1.PersistentVolumeClaim
	pdbs         []policyv1.PodDisruptionBudget
	hpas         []autoscalingv2.HorizontalPodAutoscaler
	ingresses    []networkingv1.Ingress
	namespaces   []corev1.Namespace
	metas        []metav1.ObjectMeta
}

// add decodes one object strictly: a field its type does not have is an error.
func (o *objects) add(y []byte) error {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(y, &tm); err != nil {
		return err
	}
	var om struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	if err := yaml.Unmarshal(y, &om); err != nil {
		return err
	}
	o.metas = append(o.metas, om.Metadata)
	strict := func(dst any) error { return yaml.UnmarshalStrict(y, dst) }
	switch tm.APIVersion + "/" + tm.Kind {
	case "apps/v1/Deployment":
		return decodeInto(strict, &o.deployments)
	case "apps/v1/StatefulSet":
		return decodeInto(strict, &o.statefulSets)
	case "batch/v1/Job":
		return decodeInto(strict, &o.jobs)
	case "v1/Service":
		return decodeInto(strict, &o.services)
	case "v1/ConfigMap":
		return decodeInto(strict, &o.configMaps)
	case "v1/Secret":
		return decodeInto(strict, &o.secrets)
	case "v1/PersistentVolumeClaim":
		return decodeInto(strict, &o.claims)
	case "v1/Namespace":
		return decodeInto(strict, &o.namespaces)
	case "policy/v1/PodDisruptionBudget":
		return decodeInto(strict, &o.pdbs)
	case "autoscaling/v2/HorizontalPodAutoscaler":
		return decodeInto(strict, &o.hpas)
	case "networking.k8s.io/v1/Ingress":
		return decodeInto(strict, &o.ingresses)
	}
	return fmt.Errorf("unexpected kind %s %s", tm.APIVersion, tm.Kind)
}

func decodeInto[T any](strict func(any) error, list *[]T) error {
	var v T
	if err := strict(&v); err != nil {
		return err
	}
	*list = append(*list, v)
	return nil
}

// TestStrictDecoding: the decoding the tests rely on rejects a misspelled field.
func TestStrictDecoding(t *testing.T) {
	var o objects
	good := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    a: b\n"
	if err := o.add([]byte(good)); err != nil {
		t.Fatal(err)
	}
	if err := o.add([]byte(strings.Replace(good, "selector", "selectr", 1))); err == nil {
		t.Error("a misspelled field decoded")
	}
}

func (o *objects) deployment(t *testing.T, name string) *appsv1.Deployment {
	t.Helper()
	for i := range o.deployments {
		if o.deployments[i].Name == name {
			return &o.deployments[i]
		}
	}
	t.Fatalf("no Deployment %s", name)
	return nil
}

// pods are every pod template, by its owner's kind and name.
func (o *objects) pods() map[string]corev1.PodTemplateSpec {
	out := map[string]corev1.PodTemplateSpec{}
	for _, d := range o.deployments {
		out["Deployment/"+d.Name] = d.Spec.Template
	}
	for _, s := range o.statefulSets {
		out["StatefulSet/"+s.Name] = s.Spec.Template
	}
	for _, j := range o.jobs {
		out["Job/"+j.Name] = j.Spec.Template
	}
	return out
}

// selects lists the pod templates a label selector matches.
func (o *objects) selects(t *testing.T, sel labels.Selector) []string {
	t.Helper()
	var out []string
	for name, p := range o.pods() {
		if sel.Matches(labels.Set(p.Labels)) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func check(t *testing.T, pl *plan.Plan, o *objects, overlay string) {
	if len(o.namespaces) != 1 || !strings.HasSuffix(o.namespaces[0].Name, "-"+overlay) {
		t.Errorf("namespaces = %v, want one for %s", o.namespaces, overlay)
	}
	// Names and labels the API server accepts (what strict decoding cannot see).
	for _, m := range o.metas {
		for _, msg := range validation.IsDNS1123Label(m.Name) {
			t.Errorf("%s: name: %s", m.Name, msg)
		}
		if m.Namespace != "" && m.Namespace != o.namespaces[0].Name {
			t.Errorf("%s is in namespace %s", m.Name, m.Namespace)
		}
		for k, v := range m.Labels {
			for _, msg := range slices.Concat(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)) {
				t.Errorf("%s: label %s=%s: %s", m.Name, k, v, msg)
			}
		}
	}
	for name, p := range o.pods() {
		for k, v := range p.Labels {
			for _, msg := range slices.Concat(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)) {
				t.Errorf("%s: pod label %s=%s: %s", name, k, v, msg)
			}
		}
	}

	// Every workload's selector matches its own pods; web's Service and its budget select
	// web's pods and nothing else (not the workers, not the migrations Job).
	for _, d := range o.deployments {
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err != nil || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("Deployment %s: its selector misses its pods (%v)", d.Name, err)
		}
	}
	for _, s := range o.services {
		got := o.selects(t, labels.SelectorFromSet(s.Spec.Selector))
		want := map[string]string{"web": "Deployment/web", "db": "StatefulSet/db", "redis": "StatefulSet/redis"}[s.Name]
		if len(got) != 1 || got[0] != want {
			t.Errorf("Service %s selects %v, want %s", s.Name, got, want)
		}
	}
	if len(o.pdbs) != 1 || len(o.hpas) != 1 {
		t.Fatalf("%d budgets, %d autoscalers; want one each, for web", len(o.pdbs), len(o.hpas))
	}
	sel, err := metav1.LabelSelectorAsSelector(o.pdbs[0].Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.selects(t, sel); !slices.Equal(got, []string{"Deployment/web"}) {
		t.Errorf("the PodDisruptionBudget selects %v, want web's pods", got)
	}
	if ref := o.hpas[0].Spec.ScaleTargetRef; ref.Kind != "Deployment" || ref.Name != "web" {
		t.Errorf("the autoscaler scales %s/%s", ref.Kind, ref.Name)
	}
	if len(o.ingresses) != 1 || o.ingresses[0].Spec.Rules[0].Host != "shop.example.com" {
		t.Errorf("ingresses: %v", o.ingresses)
	}

	web := o.deployment(t, "web")
	if ru := web.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable.IntValue() != 0 {
		t.Error("web's rolling update may drop below the desired replicas")
	}
	app := web.Spec.Template.Spec.Containers[0]
	if app.StartupProbe == nil || app.ReadinessProbe == nil || app.LivenessProbe == nil {
		t.Fatal("web lacks a probe")
	}
	if !slices.Equal(app.ReadinessProbe.Exec.Command, pl.Image.Runtime.Healthcheck.Command) {
		t.Errorf("web's readiness is not the image's HEALTHCHECK: %q", app.ReadinessProbe.Exec.Command)
	}
	if app.LivenessProbe.TCPSocket == nil {
		t.Error("web's liveness is not the cheap TCP check")
	}
	if app.Resources.Requests.Cpu().IsZero() {
		t.Error("web requests no CPU: the autoscaler has nothing to scale against")
	}

	// Every pod of the app image: hardened, with the image's user, its Secret and
	// ConfigMap resolved to generated objects, and the claims it mounts.
	for name, p := range o.pods() {
		ps := p.Spec
		if ps.AutomountServiceAccountToken == nil || *ps.AutomountServiceAccountToken {
			t.Errorf("%s mounts a service account token", name)
		}
		sc := ps.SecurityContext
		if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Errorf("%s: pod security context %+v", name, sc)
		}
		if strings.HasPrefix(name, "StatefulSet/") {
			continue
		}
		if *sc.RunAsUser != int64(pl.Image.Runtime.UID) || *sc.RunAsGroup != int64(pl.Image.Runtime.GID) {
			t.Errorf("%s runs as %d:%d, not the image's user", name, *sc.RunAsUser, *sc.RunAsGroup)
		}
		isJob := strings.HasPrefix(name, "Job/")
		// The init container checks the schema the app will use: the same settings.
		if !isJob && len(ps.InitContainers) == 1 && !equalYAML(t, []any{ps.InitContainers[0].Env, ps.InitContainers[0].EnvFrom, ps.InitContainers[0].Image}, []any{ps.Containers[0].Env, ps.Containers[0].EnvFrom, ps.Containers[0].Image}) {
			t.Errorf("%s: the init container's environment or image differs from the app's", name)
		}
		if !isJob && (len(ps.InitContainers) != 1 || !strings.Contains(strings.Join(ps.InitContainers[0].Command, " "), "migrate --check")) {
			t.Errorf("%s does not wait for the migrations", name)
		}
		for _, c := range slices.Concat(ps.InitContainers, ps.Containers) {
			cs := c.SecurityContext
			if cs == nil || cs.ReadOnlyRootFilesystem == nil || !*cs.ReadOnlyRootFilesystem || !slices.Equal(cs.Capabilities.Drop, []corev1.Capability{"ALL"}) {
				t.Errorf("%s/%s: container security context %+v", name, c.Name, cs)
			}
			if c.Resources.Limits.Memory().IsZero() {
				t.Errorf("%s/%s has no memory limit", name, c.Name)
			}
			mounts := map[string]string{}
			for _, m := range c.VolumeMounts {
				mounts[m.MountPath] = m.Name
			}
			if mounts["/tmp"] == "" {
				t.Errorf("%s/%s: no writable /tmp under the read-only root", name, c.Name)
			}
			for _, av := range pl.Compose.AppVolumes {
				vol, dir, _ := strings.Cut(av, ":")
				if mounts[dir] != vol {
					t.Errorf("%s/%s does not mount the %s claim at %s", name, c.Name, vol, dir)
				}
			}
			for _, ef := range c.EnvFrom {
				switch {
				case ef.ConfigMapRef != nil && !slices.ContainsFunc(o.configMaps, func(cm corev1.ConfigMap) bool { return cm.Name == ef.ConfigMapRef.Name }):
					t.Errorf("%s/%s reads ConfigMap %s, which is not generated", name, c.Name, ef.ConfigMapRef.Name)
				case ef.SecretRef != nil && !slices.ContainsFunc(o.secrets, func(s corev1.Secret) bool { return s.Name == ef.SecretRef.Name }):
					t.Errorf("%s/%s reads Secret %s, which is not generated", name, c.Name, ef.SecretRef.Name)
				}
			}
		}
	}

	// Workers: Celery's worker pings at start and readiness, with a cheap liveness; beat is
	// one replica, recreated; none has a budget or an autoscaler (checked above).
	for _, w := range pl.Compose.Workers {
		d := o.deployment(t, ObjectName(w.Name))
		c := d.Spec.Template.Spec.Containers[0]
		if !slices.Equal(c.Command, w.Command) {
			t.Errorf("worker %s runs %q, want %q", w.Name, c.Command, w.Command)
		}
		if strings.Contains(w.Healthcheck, "inspect ping") {
			if c.StartupProbe == nil || c.ReadinessProbe == nil || !strings.Contains(strings.Join(c.ReadinessProbe.Exec.Command, " "), "inspect ping") || strings.Contains(strings.Join(c.LivenessProbe.Exec.Command, " "), "ping") {
				t.Errorf("worker %s: the ping must gate start-up and readiness only", w.Name)
			}
			if strings.Contains(strings.Join(c.ReadinessProbe.Exec.Command, " "), "$$") {
				t.Errorf("worker %s: compose's $$ left in the probe", w.Name)
			}
		}
		if slices.Contains(w.Command, "beat") && (d.Spec.Replicas == nil || *d.Spec.Replicas != 1 || d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType) {
			t.Errorf("beat: replicas %v, strategy %s; want exactly one, Recreate", d.Spec.Replicas, d.Spec.Strategy.Type)
		}
	}

	// The migrations: one Job, named for the release, one pod at a time, cleaned up.
	if len(o.jobs) != 1 {
		t.Fatalf("%d Jobs", len(o.jobs))
	}
	j := o.jobs[0]
	if j.Name != "migrate-latest" || j.Spec.TTLSecondsAfterFinished == nil || j.Spec.BackoffLimit == nil || *j.Spec.BackoffLimit > 3 || (j.Spec.Parallelism != nil && *j.Spec.Parallelism > 1) {
		t.Errorf("migrations Job: %s %+v", j.Name, j.Spec)
	}
	if got := j.Spec.Template.Spec.Containers[0].Command; !slices.Equal(got, pl.Compose.MigrateCommand) {
		t.Errorf("the Job runs %q, want %q", got, pl.Compose.MigrateCommand)
	}

	// Settings: .env's names, the secret ones in the Secret only; the Job's fixed-name
	// copies hold the same.
	if len(o.configMaps) != 2 || len(o.secrets) != 2 {
		t.Fatalf("%d ConfigMaps, %d Secrets; want app's and the Job's", len(o.configMaps), len(o.secrets))
	}
	slices.SortFunc(o.configMaps, func(a, b corev1.ConfigMap) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(o.secrets, func(a, b corev1.Secret) int { return strings.Compare(a.Name, b.Name) })
	if !maps.Equal(o.configMaps[0].Data, o.configMaps[1].Data) || !maps.EqualFunc(o.secrets[0].Data, o.secrets[1].Data, bytes.Equal) {
		t.Error("the Job's settings differ from the app's")
	}
	if o.configMaps[1].Name != "migrate-config" || o.secrets[1].Name != "migrate-secret" {
		t.Errorf("the Job's settings are %s and %s, want fixed names", o.configMaps[1].Name, o.secrets[1].Name)
	}
	for _, g := range pl.Env {
		for _, e := range g.Vars {
			_, inConfig := o.configMaps[0].Data[e.Key]
			_, inSecret := o.secrets[0].Data[e.Key]
			switch {
			case e.Host != "" || strings.HasSuffix(e.Key, "_PUBLISH_PORT") || e.Optional:
			case e.Secret && (inConfig || !inSecret):
				t.Errorf("%s: secret, in the ConfigMap %v, in the Secret %v", e.Key, inConfig, inSecret)
			case !e.Secret && !inConfig:
				t.Errorf("%s is not in the ConfigMap", e.Key)
			}
		}
	}
	// kustomize keeps values literally: no .env quotes; ALLOWED_HOSTS (when .env sets it)
	// accepts the Host the probes send and the Ingress's.
	for k, val := range o.configMaps[0].Data {
		if strings.HasPrefix(val, `"`) || strings.HasPrefix(val, "'") {
			t.Errorf("%s=%s: quoted", k, val)
		}
	}
	if m := regexp.MustCompile(`'Host': '([^']*)'`).FindStringSubmatch(strings.Join(pl.Image.Runtime.Healthcheck.Command, " ")); m == nil {
		t.Error("the healthcheck sends no Host")
	} else if hosts, ok := o.configMaps[0].Data[hostsKey(pl)]; ok {
		list := strings.FieldsFunc(hosts, func(r rune) bool { return r == ',' || r == ' ' })
		if !slices.Contains(list, m[1]) || !slices.Contains(list, "shop.example.com") {
			t.Errorf("%s=%s: the probes' Host %s or the Ingress's is not allowed", hostsKey(pl), hosts, m[1])
		}
	}
	// The app finds its data services: in staging in the cluster, in production through
	// the Secret.
	for _, e := range pl.Compose.Environment {
		c := web.Spec.Template.Spec.Containers[0]
		inEnv := slices.ContainsFunc(c.Env, func(v corev1.EnvVar) bool { return v.Name == e.Key })
		_, inSecret := o.secrets[0].Data[e.Key]
		_, inConfig := o.configMaps[0].Data[e.Key]
		if !inEnv && !inSecret && !inConfig {
			t.Errorf("%s (compose sets it) is set nowhere", e.Key)
		}
		if overlay == "production" && inEnv {
			t.Errorf("%s points at an in-cluster service in production", e.Key)
		}
	}
	if overlay == "production" && len(o.statefulSets) > 0 {
		t.Error("production runs data services in the cluster")
	}
	if overlay == "staging" && (pl.Compose.Postgres || pl.Compose.MySQL) && !slices.ContainsFunc(o.statefulSets, func(s appsv1.StatefulSet) bool { return s.Name == "db" }) {
		t.Error("staging has no in-cluster database")
	}
}

func equalYAML(t *testing.T, a, b any) bool {
	t.Helper()
	ya, err := yaml.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	yb, err := yaml.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(ya, yb)
}

// TestNoKubernetesLibraries: the package links none of the libraries its tests check with
// (their scheme registration runs in package init, on every command of the CLI).
func TestNoKubernetesLibraries(t *testing.T) {
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for name, f := range p.Files {
			for _, imp := range f.Imports {
				if path := strings.Trim(imp.Path.Value, `"`); strings.HasPrefix(path, "k8s.io/") || strings.HasPrefix(path, "sigs.k8s.io/") || path == "github.com/containerize/containerize/generate" || path == "github.com/containerize/containerize/image" {
					t.Errorf("%s imports %s", name, path)
				}
			}
		}
	}
}
