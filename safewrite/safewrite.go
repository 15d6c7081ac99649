// Package safewrite writes a set of generated files into a project without ever losing the
// user's work: it plans (what would change), diffs, asks, backs up, and writes atomically.
//
// Callers always pass the full desired content of every file. For files the tool only adds to
// (the settings module patch, .gitignore), read the current content with Read, compute the new
// content with EnsureBlock or EnsureLines, and pass that; the plan then shows the exact diff
// and a re-run with the same input is Unchanged.
package safewrite

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
)

// DefaultMode is the permission of a created file whose File.Mode is 0.
const DefaultMode fs.FileMode = 0o644

// File is one file to write. Path is slash-separated and relative to the project root.
// Data is the complete desired content (never a fragment to append).
type File struct {
	Path string
	Data []byte
	// Mode is the permission of a newly created file (0 means DefaultMode); the process
	// umask applies. An existing file keeps its own permission bits when updated.
	Mode fs.FileMode
	// NoBackup says the old content need not be kept: the new content only adds to it (a
	// line appended to .gitignore, a marked block the user asked for), or the old content
	// is what the caller itself wrote last. The copy taken for the transaction is removed
	// once every file is in place, instead of being left beside the file.
	NoBackup bool
}

// Action is what happens, or happened, to one file.
type Action int

const (
	// Create writes a file that does not exist yet.
	Create Action = iota
	// Update replaces an existing file whose content differs.
	Update
	// Unchanged means the file already has the desired content; it is never rewritten.
	Unchanged
	// Skip means an update was declined (by the Confirmer, or because there was none).
	Skip
)

// String returns the lower-case name of the action ("create", "update", ...).
func (a Action) String() string {
	switch a {
	case Create:
		return "create"
	case Update:
		return "update"
	case Unchanged:
		return "unchanged"
	case Skip:
		return "skip"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Change is the planned fate of one file.
type Change struct {
	File   File
	Action Action
	// Old is the content on disk when planned (nil for Create). Apply refuses to write a file
	// whose content no longer equals Old, so edits made after planning are never lost.
	Old []byte
	// Diff is a unified diff from the file on disk (or /dev/null) to File.Data; "" if Unchanged.
	Diff string
}

// Confirmer decides, per existing file that would change, whether to overwrite it.
type Confirmer interface {
	ConfirmOverwrite(path string, diff string) (bool, error)
}

// Options control Apply.
type Options struct {
	// Force overwrites changed files without asking.
	Force bool
	// DryRun writes nothing and asks nothing; the Result says what a run would do
	// (updates that would be put to the Confirmer are listed as Updated).
	DryRun bool
	// Confirm is asked for each Update when !Force; nil means "never overwrite": such files
	// become Skip.
	Confirm Confirmer
	// Context, when done before the new contents are committed (SIGINT, SIGTERM), stops
	// the write and rolls it back; once committed, the write finishes. nil: never.
	Context context.Context
	// Log is where Apply says that it finished or rolled back a write an earlier, killed
	// run left unfinished, and removed its temp files. nil: not said.
	Log io.Writer
	// Step, when set, is called after each step of the write phase with its name. Tests use
	// it to slow a run down, or to stop it there: an error returned is returned at once,
	// leaving the disk as a kill at that moment would.
	Step func(step string) error
}

// Result lists what Apply did, by File.Path, in the order of the changes.
type Result struct {
	Created, Updated, Unchanged, Skipped []string
	// Backups are the slash-separated paths (relative to root) of the copies made of
	// overwritten files: "<path>.bak", one per file, replacing the copy an earlier
	// overwrite left.
	Backups []string
}

// Read returns the current content of path under root, and whether it exists, with the
// same path rules as Plan. Callers use it to compute the full new content of files they
// only add to.
func Read(root, p string) (data []byte, exists bool, err error) {
	t, err := openTree(root)
	if err != nil {
		return nil, false, err
	}
	defer t.close()
	clean, err := cleanPath(p)
	if err != nil {
		return nil, false, err
	}
	real, err := t.resolve(clean)
	if err != nil {
		return nil, false, err
	}
	st, err := t.state(clean, real)
	if err != nil {
		return nil, false, err
	}
	return st.data, st.exists, nil
}

// Plan compares the desired files with what is on disk under root (an OS directory path).
// It returns one Change per file, in order, with Action Create, Update or Unchanged. Paths
// that are absolute, escape root, go through a symlink leading outside root, name a
// directory, or name the same file twice are errors.
func Plan(root string, files []File) ([]Change, error) {
	t, err := openTree(root)
	if err != nil {
		return nil, err
	}
	defer t.close()

	changes := make([]Change, 0, len(files))
	seen := map[string]string{} // resolved path → File.Path that claimed it
	for _, f := range files {
		clean, err := cleanPath(f.Path)
		if err != nil {
			return nil, err
		}
		real, err := t.resolve(clean)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[real]; ok {
			return nil, fmt.Errorf("%s and %s are the same file; each file may be written only once", prev, clean)
		}
		seen[real] = clean
		st, err := t.state(clean, real)
		if err != nil {
			return nil, err
		}
		f.Path = clean
		f.Mode &= fs.ModePerm
		if f.Mode == 0 {
			f.Mode = DefaultMode
		}
		c := Change{File: f}
		switch {
		case !st.exists:
			c.Action = Create
			c.Diff = fileDiff(clean, nil, false, f.Data)
		case bytes.Equal(st.data, f.Data):
			c.Action = Unchanged
			c.Old = st.data
		default:
			c.Action = Update
			c.Old = st.data
			c.Diff = fileDiff(clean, st.data, true, f.Data)
		}
		changes = append(changes, c)
	}
	return changes, nil
}

// Apply writes the plan. Before anything is written, every Create and Update is checked
// against the disk (a file created or edited since planning is an error) and every Update is
// decided (Force, the Confirmer, or Skip). Each overwritten file is first copied to a backup
// (see Result.Backups), so consenting to an overwrite never loses the old content.
//
// Writing is atomic per file (temp file in the same directory, fsync, rename; an updated file
// keeps its permission bits, a created one gets File.Mode exactly; parent directories are
// created) and all-or-nothing for the set, also when the process is killed: the write phase
// is journaled (see journal.go), and the next Apply or Recover completes or rolls back a
// write a killed run left. If anything fails, files already replaced are restored, created
// files, backups, temp files and new directories are removed, and the error is returned.
// Temp files are named TempPrefix+"*.tmp" and created 0600.
//
// Callers that may run concurrently on one project hold its Lock from before Plan (and
// every Read the plan depends on) until Apply returns.
func Apply(root string, changes []Change, opts Options) (Result, error) {
	t, err := openTree(root)
	if err != nil {
		return Result{}, err
	}
	defer t.close()
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	if !opts.DryRun {
		var dirs []string // where an interrupted run of this plan left its temp files
		for _, c := range changes {
			if p, err := cleanPath(c.File.Path); err == nil {
				dirs = append(dirs, path.Dir(p))
			}
		}
		if err := t.recover(log, dirs, noStep); err != nil {
			return Result{}, err
		}
	}
	return t.apply(changes, opts)
}

// write is one file to be put in place by Apply.
type write struct {
	path   string // File.Path, for messages and the Result
	real   string // resolved slash path relative to root
	data   []byte
	mode   fs.FileMode
	update bool // replaces an existing file (so mode is exact and a backup is made)
	keep   bool // keep the backup after success
}

func (t *tree) apply(changes []Change, opts Options) (Result, error) {
	var res Result
	targets := map[string]bool{}

	// Check every file before asking anything, and ask every question before touching the
	// disk, so an error or a refusal leaves the project as it was.
	type item struct {
		c    Change
		w    *write // nil: nothing to write
		diff string
	}
	items := make([]item, 0, len(changes))
	for _, c := range changes {
		it := item{c: c}
		switch c.Action {
		case Unchanged, Skip:
			items = append(items, it)
			continue
		case Create, Update:
		default:
			return Result{}, fmt.Errorf("%s: unknown action %v", c.File.Path, c.Action)
		}
		clean, err := cleanPath(c.File.Path)
		if err != nil {
			return Result{}, err
		}
		real, err := t.resolve(clean)
		if err != nil {
			return Result{}, err
		}
		if targets[real] {
			return Result{}, fmt.Errorf("%s is written twice in one plan; each file may be written only once", clean)
		}
		targets[real] = true
		st, err := t.state(clean, real)
		if err != nil {
			return Result{}, err
		}
		switch {
		case st.exists && bytes.Equal(st.data, c.File.Data):
			it.c.Action = Unchanged // someone already wrote exactly this
			items = append(items, it)
			continue
		case c.Action == Create && st.exists:
			return Result{}, fmt.Errorf("%s was created after the plan was made; nothing was written, run again to see the new diff", clean)
		case c.Action == Update && (!st.exists || !bytes.Equal(st.data, c.Old)):
			return Result{}, fmt.Errorf("%s changed on disk after the plan was made; nothing was written, run again to see the new diff", clean)
		}
		it.w = &write{path: c.File.Path, real: real, data: c.File.Data, mode: c.File.Mode & fs.ModePerm, keep: !c.File.NoBackup}
		if it.w.mode == 0 {
			it.w.mode = DefaultMode
		}
		if c.Action == Update {
			it.w.update = true
			it.w.mode = st.mode
			it.diff = c.Diff
			if it.diff == "" {
				it.diff = fileDiff(clean, st.data, true, c.File.Data)
			}
		}
		items = append(items, it)
	}

	var writes []*write
	for _, it := range items {
		switch {
		case it.c.Action == Unchanged:
			res.Unchanged = append(res.Unchanged, it.c.File.Path)
			continue
		case it.c.Action == Skip:
			res.Skipped = append(res.Skipped, it.c.File.Path)
			continue
		case it.w.update && !opts.Force && !opts.DryRun:
			ok := false
			if opts.Confirm != nil {
				var err error
				ok, err = opts.Confirm.ConfirmOverwrite(it.c.File.Path, it.diff)
				if err != nil {
					return Result{}, fmt.Errorf("confirm overwrite of %s: %w", it.c.File.Path, err)
				}
			}
			if !ok {
				res.Skipped = append(res.Skipped, it.c.File.Path)
				continue
			}
		}
		writes = append(writes, it.w)
	}

	if opts.DryRun {
		for _, w := range writes {
			if !w.update {
				res.Created = append(res.Created, w.path)
				continue
			}
			res.Updated = append(res.Updated, w.path)
			if w.keep {
				res.Backups = append(res.Backups, backupName(w.real))
			}
		}
		return res, nil
	}

	if err := t.commit(writes, opts); err != nil {
		return Result{}, err
	}
	for _, w := range writes {
		if !w.update {
			res.Created = append(res.Created, w.path)
			continue
		}
		res.Updated = append(res.Updated, w.path)
		if w.keep {
			res.Backups = append(res.Backups, backupName(w.real))
		}
	}
	return res, nil
}
