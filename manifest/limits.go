package manifest

import (
	"fmt"
	"io"
	"io/fs"
)

// MaxFileSize bounds every manifest, lockfile and requirements file read: the largest real lockfiles
// (poetry.lock, uv.lock of monorepos) are a few MiB, so a file beyond this is not a manifest and reading it
// whole would only cost memory.
const MaxFileSize = 64 << 20

// MaxTOMLDepth bounds how deeply arrays and inline tables nest in a TOML document. Real files nest three or
// four deep; BurntSushi/toml's memory grows quadratically with depth (a 40 KB file of nested inline tables
// took 5 GB), so deeper documents are refused before they are decoded.
const MaxTOMLDepth = 32

// ReadFile reads name from fsys, refusing files larger than MaxFileSize (and anything that is not a regular
// file) with an error naming the file. It is the one way manifests and lockfiles are read.
func ReadFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		if !st.Mode().IsRegular() {
			return nil, &ParseError{File: name, Msg: "not a regular file"}
		}
		if st.Size() > MaxFileSize {
			return nil, tooLarge(name)
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(name)
	}
	return data, nil
}

func tooLarge(name string) error {
	return &ParseError{File: name, Msg: fmt.Sprintf("larger than %d MiB — not a manifest or lockfile containerize can read", MaxFileSize>>20)}
}

// checkTOMLDepth scans a TOML document for arrays and inline tables nested deeper than MaxTOMLDepth,
// skipping strings and comments, and returns the line where the limit is crossed. It reads each byte once
// and allocates nothing, so it runs before any parser sees the document.
func checkTOMLDepth(data []byte, path string) error {
	depth, line := 0, 1
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch c {
		case '\n':
			line++
		case '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			// A string: basic ("...", escapes) or literal ('...'), single- or multi-line.
			multi := i+2 < len(data) && data[i+1] == c && data[i+2] == c
			if multi {
				i += 3
				for ; i < len(data); i++ {
					if data[i] == '\n' {
						line++
					} else if c == '"' && data[i] == '\\' {
						if i+1 < len(data) && data[i+1] == '\n' {
							line++
						}
						i++
					} else if data[i] == c && i+2 < len(data) && data[i+1] == c && data[i+2] == c {
						i += 2
						for i+1 < len(data) && data[i+1] == c { // up to two quotes may close the string
							i++
						}
						break
					}
				}
				continue
			}
			for i++; i < len(data) && data[i] != c && data[i] != '\n'; i++ {
				if c == '"' && data[i] == '\\' {
					i++
				}
			}
			if i < len(data) && data[i] == '\n' {
				line++
			}
		case '[', '{':
			depth++
			if depth > MaxTOMLDepth {
				return &ParseError{File: path, Line: line, Msg: fmt.Sprintf("arrays or tables nested more than %d deep — not a manifest containerize can read", MaxTOMLDepth)}
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}
