package safewrite

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// A write phase is journaled, so that a run killed at any instruction leaves a state the next
// run resolves to exactly one run's whole result:
//
//  1. the journal (state prepare) names every temp file, target, backup and new directory;
//  2. the directories, copies of the files to be replaced, and new contents are written as
//     temp files and flushed to disk;
//  3. the journal moves to state commit (a rename, atomic);
//  4. each new content is renamed into place;
//  5. each copy becomes its backup, or is removed; then the journal is removed.
//
// Recovery rolls a prepare (or rollback) journal back and a commit journal forward. Every
// temporary name starts with TempPrefix, so exclusions and .gitignore cover them all.
const (
	// TempPrefix starts the name of every temporary file containerize makes in a project.
	TempPrefix = ".containerize-"
	// JournalName is the journal of an unfinished write phase, at the project root.
	JournalName = TempPrefix + "journal"

	statePrepare  = "prepare"
	stateCommit   = "commit"
	stateRollback = "rollback"
	tempSuffix    = ".tmp"
	tempMode      = 0o600
)

// legacyTemp says whether name is a temp file of a version before the journal
// ("..env.tmp-1a2b3c4d5e6f").
func legacyTemp(name string) bool {
	i := strings.LastIndex(name, ".tmp-")
	if i < 2 || name[0] != '.' || len(name)-i-len(".tmp-") != 12 {
		return false
	}
	_, err := hex.DecodeString(name[i+len(".tmp-"):])
	return err == nil && strings.ToLower(name[i:]) == name[i:]
}

// journal is what a write phase is doing; all paths are slash paths relative to the root.
type journal struct {
	State string        `json:"state"`
	Files []journalFile `json:"files"`
	// Dirs are the directories the write creates, parents first.
	Dirs []string `json:"dirs,omitempty"`
}

type journalFile struct {
	Path string      `json:"path"` // the target
	Temp string      `json:"temp"` // its new content
	Mode fs.FileMode `json:"mode"` // the target's permission when in place
	// Copy holds the old content of a replaced file ("" for a created one).
	Copy string `json:"copy,omitempty"`
	// Backup is where Copy goes once every file is in place ("": Copy is removed).
	Backup string `json:"backup,omitempty"`
}

// stopError is a test's Step saying "stop here as a kill would": nothing is cleaned up.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }
func (e *stopError) Unwrap() error { return e.err }

// errInterrupted is returned when Options.Context ends before the write is committed.
var errInterrupted = errors.New("interrupted: nothing was written")

func tempName(dir string) string {
	var rnd [8]byte
	rand.Read(rnd[:])
	return path.Join(dir, TempPrefix+hex.EncodeToString(rnd[:])+tempSuffix)
}

// commit writes the files through the journal. On an error (not a test's stop) the project
// is rolled back before returning.
func (t *tree) commit(writes []*write, opts Options) (err error) {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	step := func(name string) error {
		if opts.Step == nil {
			return nil
		}
		if err := opts.Step(name); err != nil {
			return &stopError{err}
		}
		return nil
	}
	j := &journal{State: statePrepare, Dirs: t.missingDirs(writes)}
	for _, w := range writes {
		f := journalFile{Path: w.real, Temp: tempName(path.Dir(w.real)), Mode: w.mode}
		if w.update {
			f.Copy = tempName(path.Dir(w.real))
			if w.keep {
				f.Backup = backupName(w.real)
			}
		}
		j.Files = append(j.Files, f)
	}
	if err := t.writeJournal(j); err != nil {
		return fmt.Errorf("write the journal %s: %w; nothing was written", JournalName, err)
	}
	if err := step("journal " + statePrepare); err != nil {
		return err
	}
	fail := func(err error) error { return errors.Join(err, t.undo(j, step)) }
	for _, d := range j.Dirs {
		if err := t.root.Mkdir(filepath.FromSlash(d), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fail(fmt.Errorf("create directory %s: %w", d, err))
		}
		if err := step("mkdir " + d); err != nil {
			return err
		}
	}
	for i, f := range j.Files {
		if ctx.Err() != nil {
			return fail(errInterrupted)
		}
		if f.Copy != "" {
			data, err := t.root.ReadFile(filepath.FromSlash(f.Path))
			if err == nil {
				err = t.writeFile(f.Copy, data)
			}
			if err != nil {
				return fail(fmt.Errorf("back up %s: %w", writes[i].path, err))
			}
			if err := step("copy " + f.Path); err != nil {
				return err
			}
		}
		if err := t.writeFile(f.Temp, writes[i].data); err != nil {
			return fail(fmt.Errorf("write %s: %w", writes[i].path, err))
		}
		if err := step("temp " + f.Path); err != nil {
			return err
		}
	}
	t.syncDirs(j)
	if ctx.Err() != nil {
		return fail(errInterrupted)
	}
	j.State = stateCommit
	if err := t.writeJournal(j); err != nil {
		j.State = statePrepare
		return fail(fmt.Errorf("write the journal %s: %w", JournalName, err))
	}
	if err := step("journal " + stateCommit); err != nil {
		return err
	}
	// From here on the write is finished, also after a kill or an interrupt: the renames
	// take moments, and the next run completes them from the journal.
	for i, f := range j.Files {
		if err := t.place(f); err != nil {
			err = fmt.Errorf("write %s: %w", writes[i].path, err)
			j.State = stateRollback
			if jerr := t.writeJournal(j); jerr != nil {
				return errors.Join(err, fmt.Errorf("record the rollback in %s: %w; the next run completes the write", JournalName, jerr))
			}
			return fail(err)
		}
		if err := step("rename " + f.Path); err != nil {
			return err
		}
	}
	return t.finish(j, step)
}

// place puts a file's new content in place with its final mode.
func (t *tree) place(f journalFile) error {
	if err := t.root.Chmod(filepath.FromSlash(f.Temp), f.Mode); err != nil {
		return err
	}
	return t.rename(f.Temp, f.Path)
}

// finish turns each copy into its backup (or removes it), then removes the journal.
func (t *tree) finish(j *journal, step func(string) error) error {
	var errs []error
	for _, f := range j.Files {
		if f.Copy == "" || !t.exists(f.Copy) {
			continue
		}
		if f.Backup == "" {
			if err := t.remove(f.Copy); err != nil {
				errs = append(errs, fmt.Errorf("remove the temporary copy %s: %w", f.Copy, err))
			}
		} else if err := t.root.Chmod(filepath.FromSlash(f.Copy), f.Mode); err != nil {
			errs = append(errs, fmt.Errorf("%s was written; its old content is kept in %s, not %s: %w", f.Path, f.Copy, f.Backup, err))
		} else if err := t.rename(f.Copy, f.Backup); err != nil {
			errs = append(errs, fmt.Errorf("%s was written; its old content is kept in %s, not %s: %w", f.Path, f.Copy, f.Backup, err))
		}
		if err := step("backup " + f.Path); err != nil {
			return err
		}
	}
	t.syncDirs(j)
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return t.removeJournal()
}

// undo rolls a prepare or rollback journal back: files already renamed into place get
// their old content back (or are removed, if created), temp files, copies and created
// directories are removed, then the journal. What cannot be undone is reported, naming
// where the old content is kept; the journal then stays for the next run.
func (t *tree) undo(j *journal, step func(string) error) error {
	var errs []error
	for _, f := range slices.Backward(j.Files) {
		if err := step("undo " + f.Path); err != nil {
			return err
		}
		if j.State == statePrepare || t.exists(f.Temp) {
			// Never renamed: its temp and copy are all there is.
			if err := t.remove(f.Temp); err != nil {
				errs = append(errs, fmt.Errorf("remove temp file %s: %w", f.Temp, err))
			}
			if f.Copy != "" {
				if err := t.remove(f.Copy); err != nil {
					errs = append(errs, fmt.Errorf("remove temp file %s: %w", f.Copy, err))
				}
			}
			continue
		}
		switch {
		case f.Copy == "":
			if err := t.remove(f.Path); err != nil {
				errs = append(errs, fmt.Errorf("remove %s: %w", f.Path, err))
			}
		case t.exists(f.Copy):
			// The copy is exact: moving it back restores the file and removes the copy.
			err := t.root.Chmod(filepath.FromSlash(f.Copy), f.Mode)
			if err == nil {
				err = t.rename(f.Copy, f.Path)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("restore %s (its old content is kept in %s): %w", f.Path, f.Copy, err))
			}
		}
	}
	for _, d := range slices.Backward(j.Dirs) {
		if err := t.removeDir(d); err != nil {
			errs = append(errs, fmt.Errorf("remove directory %s: %w", d, err))
		}
	}
	t.syncDirs(j)
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return t.removeJournal()
}

// missingDirs lists the parent directories of the writes that do not exist, parents first.
func (t *tree) missingDirs(writes []*write) []string {
	var dirs []string
	for _, w := range writes {
		parts := strings.Split(path.Dir(w.real), "/")
		for i := range parts {
			d := path.Join(parts[:i+1]...)
			if d == "." || slices.Contains(dirs, d) {
				continue
			}
			if _, err := t.root.Lstat(filepath.FromSlash(d)); errors.Is(err, fs.ErrNotExist) {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}

// writeFile creates name (a new temp file, mode 0600) with data, flushed to disk.
func (t *tree) writeFile(name string, data []byte) error {
	f, err := t.root.OpenFile(filepath.FromSlash(name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, tempMode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.root.Remove(filepath.FromSlash(name))
	}
	return err
}

// writeJournal replaces the journal atomically (a temp file renamed over it) and flushes
// the root directory, so the new state survives a crash.
func (t *tree) writeJournal(j *journal) error {
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	tmp := tempName(".")
	if err := t.writeFile(tmp, data); err != nil {
		return err
	}
	if err := t.rename(tmp, JournalName); err != nil {
		t.remove(tmp)
		return err
	}
	t.syncDir(".")
	return nil
}

func (t *tree) removeJournal() error {
	if err := t.remove(JournalName); err != nil {
		return fmt.Errorf("remove %s: %w", JournalName, err)
	}
	t.syncDir(".")
	return nil
}

// readJournal returns the journal, or nil if there is none.
func (t *tree) readJournal() (*journal, error) {
	data, err := t.root.ReadFile(JournalName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", JournalName, err)
	}
	var j journal
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("%s is damaged (%v); restore the files it names from their %s*%s copies or from version control, then remove it", JournalName, err, TempPrefix, tempSuffix)
	}
	for _, f := range j.Files {
		for _, p := range []string{f.Path, f.Temp, f.Copy, f.Backup} {
			if p == "" {
				continue
			}
			if _, err := cleanPath(p); err != nil {
				return nil, fmt.Errorf("%s names a bad path: %w; remove it", JournalName, err)
			}
		}
		if !strings.HasPrefix(path.Base(f.Temp), TempPrefix) || f.Copy != "" && !strings.HasPrefix(path.Base(f.Copy), TempPrefix) {
			return nil, fmt.Errorf("%s names a temp file without the %s prefix; remove it", JournalName, TempPrefix)
		}
	}
	return &j, nil
}

// Recover finishes or rolls back a write phase that a killed run left unfinished, so the
// project is one run's whole result again, and removes temp files left by an interrupted
// run. Each thing done is said on log. Callers hold the project's Lock.
func Recover(root string, log io.Writer) error {
	t, err := openTree(root)
	if err != nil {
		return err
	}
	defer t.close()
	return t.recover(log, nil, noStep)
}

func noStep(string) error { return nil }

// recover is Recover, also removing stale temps in dirs; step is Options.Step.
func (t *tree) recover(log io.Writer, dirs []string, step func(string) error) error {
	j, err := t.readJournal()
	if err != nil {
		return err
	}
	if j != nil {
		var names []string
		for _, f := range j.Files {
			names = append(names, f.Path)
			dirs = append(dirs, path.Dir(f.Path))
		}
		switch j.State {
		case stateCommit:
			for _, f := range j.Files {
				if t.exists(f.Temp) {
					if err := t.place(f); err != nil {
						return fmt.Errorf("finish the interrupted write of %s: %w", f.Path, err)
					}
				}
				if err := step("redo " + f.Path); err != nil {
					return err
				}
			}
			if err := t.finish(j, step); err != nil {
				return fmt.Errorf("finish the interrupted write: %w", err)
			}
			fmt.Fprintf(log, "finished the write an interrupted run had begun: %s\n", strings.Join(names, ", "))
		default:
			if err := t.undo(j, step); err != nil {
				return fmt.Errorf("roll back the interrupted write: %w", err)
			}
			fmt.Fprintf(log, "rolled back the write an interrupted run had begun (%s were left as they were before it)\n", strings.Join(names, ", "))
		}
	}
	return t.removeStale(log, append(dirs, "."))
}

// removeStale removes the temp files an interrupted run left in dirs (no journal names them
// any more), saying so on log.
func (t *tree) removeStale(log io.Writer, dirs []string) error {
	var errs []error
	slices.Sort(dirs)
	for _, d := range slices.Compact(dirs) {
		f, err := t.root.Open(filepath.FromSlash(d))
		if err != nil {
			continue
		}
		entries, _ := f.ReadDir(-1)
		f.Close()
		for _, e := range entries {
			name := e.Name()
			stale := strings.HasPrefix(name, TempPrefix) && strings.HasSuffix(name, tempSuffix) || legacyTemp(name)
			if !stale || !e.Type().IsRegular() {
				continue
			}
			p := path.Join(d, name)
			if err := t.remove(p); err != nil {
				errs = append(errs, fmt.Errorf("remove %s, a temp file an interrupted run left: %w", p, err))
				continue
			}
			fmt.Fprintf(log, "removed %s, a temp file an interrupted run left\n", p)
		}
	}
	return errors.Join(errs...)
}

// removeDir removes the directory d if it is one; something else there (a file someone
// put where the write wanted a directory) is left alone.
func (t *tree) removeDir(d string) error {
	fi, err := t.root.Lstat(filepath.FromSlash(d))
	if err != nil || !fi.IsDir() {
		return nil
	}
	return t.remove(d)
}

func (t *tree) exists(name string) bool {
	_, err := t.root.Lstat(filepath.FromSlash(name))
	return err == nil
}

// syncDirs flushes the directories the journal's files are in, so renames survive a crash.
func (t *tree) syncDirs(j *journal) {
	seen := map[string]bool{}
	for _, f := range j.Files {
		if d := path.Dir(f.Path); !seen[d] {
			seen[d] = true
			t.syncDir(d)
		}
	}
}

// syncDir flushes a directory. Errors are ignored: some systems cannot sync a directory.
func (t *tree) syncDir(d string) {
	if f, err := t.root.Open(filepath.FromSlash(d)); err == nil {
		f.Sync()
		f.Close()
	}
}
