// Command score runs `containerize detect --json` on every corpus repository at its recorded
// commit and compares the output with the recorded facts. It fetches nothing: each repository
// must already be mirrored under -mirrors as owner+name/repo (a bare git directory, or a work
// tree's .git inside it). See internal/corpus/README.md.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/containerize/containerize/internal/corpus"
)

func main() {
	data := flag.String("data", "testdata/corpus/repos", "folder of corpus entries (*.json)")
	mirrors := flag.String("mirrors", "/work/.mirror", "folder holding owner+name/repo git mirrors")
	bin := flag.String("bin", "", "the containerize binary to score (required)")
	only := flag.String("only", "", "score only repositories whose owner/name contains this")
	asJSON := flag.Bool("json", false, "print the results as JSON")
	timeout := flag.Duration("timeout", 2*time.Minute, "time allowed to one detect run")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "score: -bin is required (build one: go build -o /tmp/containerize ./cmd/containerize)")
		os.Exit(2)
	}
	entries, err := corpus.Load(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "score:", err)
		os.Exit(2)
	}
	var results []corpus.Result
	for _, e := range entries {
		if *only != "" && !strings.Contains(e.Repo, *only) {
			continue
		}
		out, derr := run(e, *mirrors, *bin, *timeout)
		results = append(results, corpus.Score(e, out, derr))
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"repos": results, "by_fact": corpus.ByFact(results)})
		return
	}
	print(os.Stdout, results)
}

// run exports the entry's commit to a temporary folder and runs detect on it; it returns the
// parsed output, or nil and why not.
func run(e corpus.Entry, mirrors, bin string, timeout time.Duration) (map[string]any, string) {
	gd, err := corpus.GitDir(mirrors, e.Repo)
	if err != nil {
		return nil, err.Error()
	}
	tmp, err := os.MkdirTemp("", "corpus-")
	if err != nil {
		return nil, err.Error()
	}
	defer os.RemoveAll(tmp)
	missing, err := corpus.Export(gd, e.Commit, tmp)
	if err != nil {
		return nil, err.Error()
	}
	_ = missing // blobs a snapshot leaves out are large assets detect never reads
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "detect", "--json", tmp)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, "detect: " + strings.ReplaceAll(msg, tmp, ".")
	}
	var out map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, "detect printed no JSON: " + err.Error()
	}
	return out, ""
}

func print(w io.Writer, results []corpus.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REPOSITORY\tRIGHT\tFULLY\tNO FIELD YET\tERROR")
	right, total, fully := 0, 0, 0
	for _, r := range results {
		f := "no"
		if r.Fully {
			f = "yes"
			fully++
		}
		right += r.Right
		total += r.Total
		fmt.Fprintf(tw, "%s\t%d/%d\t%s\t%d\t%s\n", r.Repo, r.Right, r.Total, f, r.NoField, short(r.Error))
	}
	fmt.Fprintf(tw, "TOTAL\t%d/%d\t%d/%d\t\t\n", right, total, fully, len(results))
	tw.Flush()

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FACT\tRIGHT\tNO FIELD YET")
	for _, t := range corpus.ByFact(results) {
		fmt.Fprintf(tw, "%s\t%d/%d\t%d\n", t.Fact, t.Right, t.Total, t.NoField)
	}
	tw.Flush()

	fmt.Fprintln(w, "\nMISMATCHES (repository fact: want | got  [why])")
	for _, r := range results {
		for _, o := range r.Outcomes {
			if o.Right || o.NoField {
				continue
			}
			got := corpus.Show(o.Got)
			if r.Error != "" {
				got = "(detect failed)"
			}
			fmt.Fprintf(w, "%s %s: %s | %s  [%s]\n", r.Repo, o.Fact, corpus.Show(o.Want), got, o.Why)
		}
	}
	for _, r := range results {
		if r.Error != "" {
			fmt.Fprintf(w, "%s ERROR: %s\n", r.Repo, r.Error)
		}
	}
}

func short(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
