package detect

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// isScript reports whether a file is a start script a container or a deployment runs: a
// shell script, an entrypoint, a start-* script, or a program under bin/ (the ones a
// Dockerfile's ENTRYPOINT or CMD, a compose entrypoint or a Procfile name).
func isScript(f string) bool {
	base := path.Base(f)
	switch {
	case strings.HasSuffix(base, ".sh"), strings.Contains(base, "entrypoint"):
		return true
	case strings.Contains(base, "."):
		return false
	case strings.HasPrefix(base, "start"), strings.HasPrefix(base, "run"):
		return true
	}
	return path.Base(path.Dir(f)) == "bin"
}

// maxScript bounds the size of a start script that is read.
const maxScript = 64 << 10

// readScripts reads the Celery commands of the project's start scripts (other commands
// in them are the scripts' own business): they tell the Celery app and whether beat runs.
func readScripts(t *tree, add func(Process)) error {
	for _, f := range sortedFiles(t) {
		if !isScript(f) {
			continue
		}
		if fi, err := fs.Stat(t.fsys, f); err != nil || fi.Size() > maxScript {
			continue // a program, not a script (or gone since the walk)
		}
		b, err := t.readFile(f)
		if err != nil {
			return err
		}
		if len(b) > maxScript || !bytes.Contains(b, []byte("celery")) {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, maxScript)
		start, line := 0, ""
		for n := 1; sc.Scan(); n++ {
			text := strings.TrimSpace(sc.Text())
			if line == "" {
				start = n
			}
			if cont, ok := strings.CutSuffix(text, `\`); ok {
				line += cont + " " // a command continued on the next line
				continue
			}
			line += text
			cmd := line
			line = ""
			if strings.HasPrefix(cmd, "#") {
				continue
			}
			if i := strings.Index(cmd, " #"); i >= 0 && !strings.ContainsAny(cmd[:i], `"'`) {
				cmd = cmd[:i] // a comment after the command
			}
			if words := commandWords(cmd); runsCelery(words) {
				add(Process{Name: path.Base(f), Command: words, Source: fmt.Sprintf("%s:%d", f, start),
					Detail: "The start script " + f})
			}
		}
		if err := sc.Err(); err != nil {
			return nil // a line longer than the bound: not a script worth reading
		}
	}
	return nil
}

// celeryWords are a command's words with the quotes of a `sh -c "…"` taken off.
func celeryWords(cmd []string) []string {
	words := strings.Fields(strings.Join(cmd, " "))
	for i, w := range words {
		words[i] = strings.Trim(w, `"'`)
	}
	return words
}

// runsBeat reports whether a command runs Celery's beat scheduler: `celery beat`,
// `celery -A app beat`, or a worker with beat embedded (`worker -B`, `--beat`), which
// embedded says.
func runsBeat(cmd []string) (beat, embedded bool) {
	celery := false
	for _, w := range celeryWords(cmd) {
		switch {
		case path.Base(w) == "celery":
			celery = true
		case !celery:
		case w == "beat":
			return true, false
		case w == "-B", w == "--beat":
			return true, true
		case w == "&&", w == ";", w == "|":
			celery = false
		}
	}
	return false, false
}

// beatDetail says why the celery-beat service is there, from the command that runs it.
func beatDetail(pr Process) string {
	d := "the project runs celery beat: " + strings.Join(pr.Command, " ")
	if _, embedded := runsBeat(pr.Command); embedded {
		d += " (embedded in a worker there; the compose file runs beat as a service of its own, as Celery advises for production)"
	}
	return d
}

// celeryBeatFrom remembers the first command that runs beat: the project schedules
// periodic tasks even when its settings do not say so.
func celeryBeatFrom(p *Project, pr Process) {
	if beat, _ := runsBeat(pr.Command); beat && p.beatCommand == nil {
		p.beatCommand = &pr
	}
}
