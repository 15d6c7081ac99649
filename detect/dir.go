package detect

import (
	"fmt"
	"io/fs"
	"os"
)

// Dir opens the project folder dir for reading, as os.DirFS would, except that symbolic
// links are followed only while they stay inside dir (os.Root): a requirements.txt linked
// to /etc/shadow is an error ("path escapes from parent"), never its contents. Links inside
// the project read as before. The folder stays open while the FS is in use; the garbage
// collector closes it after.
func Dir(dir string) (fs.FS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open project folder: %w", err)
	}
	return r.FS(), nil
}
