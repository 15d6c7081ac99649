package main

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/wizard"
)

// execute runs a command built around a stand-in run function with args; the flags are
// parsed exactly as for the real run.
func execute(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	var out bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	return cmd.Execute()
}

func isUsage(err error) bool {
	var ue usageError
	return errors.As(err, &ue)
}

func TestInitFlags(t *testing.T) {
	dir := t.TempDir()
	var got *initOptions
	run := func(o *initOptions) error { got = o; return nil }

	if err := execute(t, newInitCmd(&IO{}, run), "--yes", "--services", " postgres, redis ", "--python", "3.12", "--port", "8080",
		"--server", "uvicorn", "--no-settings-patch", "--force", "--dry-run", dir); err != nil {
		t.Fatal(err)
	}
	f := got.Flags
	if got.Dir != dir || !f.Yes || !got.Write.yes || !got.Write.force || !got.Write.dryRun || got.Write.accessible ||
		!f.ServicesSet || !slices.Equal(f.Services, []detect.Service{detect.ServicePostgres, detect.ServiceRedis}) || f.Python != "3.12" || f.Port != 8080 ||
		f.Server != "uvicorn" || f.SettingsPatch == nil || *f.SettingsPatch {
		t.Errorf("parsed %+v, flags %+v", got, f)
	}

	got = nil
	if err := execute(t, newInitCmd(&IO{}, run), "--services", "none", "--settings-patch", dir); err != nil {
		t.Fatal(err)
	}
	if f := got.Flags; !f.ServicesSet || f.Services == nil || len(f.Services) != 0 || f.SettingsPatch == nil || !*f.SettingsPatch || f.Yes {
		t.Errorf("--services none --settings-patch: %+v", f)
	}

	got = nil
	if err := execute(t, newInitCmd(&IO{}, run), dir); err != nil {
		t.Fatal(err)
	}
	if f := got.Flags; f.ServicesSet || f.SettingsPatch != nil {
		t.Errorf("no flags: %+v", f)
	}

	got = nil
	if err := execute(t, newInitCmd(&IO{}, run), "--kubernetes", "--kubernetes-host", "shop.example.com", "--kubernetes-image", "registry.example.com/shop:v1", dir); err != nil {
		t.Fatal(err)
	}
	if k := got.Kubernetes; k == nil || k.Host != "shop.example.com" || k.Image != "registry.example.com/shop:v1" {
		t.Errorf("--kubernetes: %+v", k)
	}
	if got = nil; execute(t, newInitCmd(&IO{}, run), dir) != nil || got.Kubernetes != nil {
		t.Error("deploy/kubernetes without --kubernetes")
	}

	for _, args := range [][]string{
		{"--kubernetes-host", "shop.example.com", dir},
		{"--settings-patch", "--no-settings-patch", dir},
		{"--port", "eighty", dir},
		{"--no-such-flag", dir},
		{dir, dir},
	} {
		got = nil
		if err := execute(t, newInitCmd(&IO{}, run), args...); !isUsage(err) || got != nil {
			t.Errorf("%q: %v (ran: %v), want a usage error", args, err, got != nil)
		}
	}
	if err := execute(t, newInitCmd(&IO{}, run), dir+"/missing"); err == nil || isUsage(err) {
		t.Errorf("missing directory: %v, want an error that is not about usage", err)
	}
}

func TestMigrateFlags(t *testing.T) {
	dir := t.TempDir()
	var got *migrateOptions
	run := func(o *migrateOptions) error { got = o; return nil }
	if err := execute(t, newMigrateCmd(&IO{}, run), "--venv", "/opt/venvs/shop", "--format", "pyproject", "-y", "--accessible", dir); err != nil {
		t.Fatal(err)
	}
	if got.Dir != dir || got.Venv != "/opt/venvs/shop" || got.Format != "pyproject" || !got.Write.yes || !got.Write.accessible || got.Write.force {
		t.Errorf("parsed %+v", got)
	}
}

func TestBuildFlags(t *testing.T) {
	dir := t.TempDir()
	var got *buildOptions
	run := func(o *buildOptions) error { got = o; return nil }
	if err := execute(t, newBuildCmd(&IO{}, run), "--output", "docker,dest=app.tar", "--output", "oci,dest=oci", "--push", "registry.test/app:1",
		"--load", "--tag", "app:dev", "--platform", "linux/amd64,linux/arm64", "--sbom", "app.spdx.json", "--json", dir); err != nil {
		t.Fatal(err)
	}
	o := got.Output
	if got.Dir != dir || o.DockerArchive != "app.tar" || o.OCILayout != "oci" || o.Push != "registry.test/app:1" || !o.Load || o.Tag != "app:dev" ||
		len(got.Platforms) != 2 || got.Platforms[1].Architecture != "arm64" || o.SBOM != "app.spdx.json" || o.NoSBOM || !got.json {
		t.Errorf("parsed %+v", got)
	}
	for _, args := range [][]string{
		{"--output", "tar,dest=x", dir},
		{"--output", "docker", dir},
		{"--platform", "linux/", dir},
		{"--kubernetes-overlay", "staging", dir},
		{"--sbom", "x.json", "--no-sbom", dir},
	} {
		got = nil
		if err := execute(t, newBuildCmd(&IO{}, run), args...); !isUsage(err) || got != nil {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

func TestDoctorFlags(t *testing.T) {
	dir := t.TempDir()
	var got *doctorOptions
	run := func(o *doctorOptions) error { got = o; return nil }
	if err := execute(t, newDoctorCmd(&IO{}, run), "--json", dir); err != nil {
		t.Fatal(err)
	}
	if got.Dir != dir || !got.JSON {
		t.Errorf("parsed %+v", got)
	}
	for _, args := range [][]string{{"--yes", dir}, {dir, dir}} {
		got = nil
		if err := execute(t, newDoctorCmd(&IO{}, run), args...); !isUsage(err) || got != nil {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

// An interrupt while a question waits for its answer aborts the run.
func TestInterruptibleConfirm(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	block := make(chan struct{})
	defer close(block)
	c := interruptible{ctx, confirmFunc(func(string, string) (bool, error) { <-block; return true, nil })}
	time.AfterFunc(10*time.Millisecond, cancel)
	if ok, err := c.ConfirmOverwrite("Dockerfile", ""); ok || !errors.Is(err, wizard.ErrAborted) {
		t.Fatalf("ConfirmOverwrite = %v, %v; want aborted", ok, err)
	}
}

type confirmFunc func(path, diff string) (bool, error)

func (f confirmFunc) ConfirmOverwrite(path, diff string) (bool, error) { return f(path, diff) }
