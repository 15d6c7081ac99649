package safewrite

import (
	udiff "github.com/aymanbagabas/go-udiff"
)

// UnifiedDiff returns a unified diff of old → new with 3 lines of context and "a/path",
// "b/path" headers, or "" when they are equal. A nil old means the file does not exist
// yet: the diff is then against /dev/null (an empty but non-nil old is an empty file).
func UnifiedDiff(path string, old, new []byte) string {
	return fileDiff(path, old, old != nil, new)
}

// fileDiff is UnifiedDiff with existence explicit, for callers that read the disk.
func fileDiff(path string, old []byte, exists bool, new []byte) string {
	from := "a/" + path
	if !exists {
		from = "/dev/null"
		if len(new) == 0 {
			// udiff has no hunk for an empty new file; the headers alone still say "created".
			return "--- " + from + "\n+++ b/" + path + "\n"
		}
	}
	return udiff.Unified(from, "b/"+path, string(old), string(new))
}
