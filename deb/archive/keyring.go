package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// Keyring returns the OpenPGP keys that source s trusts, read from root (the base image):
// its inline Signed-By key, else the keyring file Signed-By names, else apt's default trust
// (/etc/apt/trusted.gpg.d/*.gpg binary and *.asc armored, and /etc/apt/trusted.gpg).
func Keyring(root fs.FS, s Source) (openpgp.EntityList, error) {
	switch {
	case s.SignedByKey != "":
		el, err := openpgp.ReadArmoredKeyRing(strings.NewReader(s.SignedByKey))
		if err != nil {
			return nil, fmt.Errorf("%s: the inline Signed-By key of %s %s is not a valid armored OpenPGP key: %w", s.From, s.URI, s.Suite, err)
		}
		return el, nil
	case s.SignedBy != "":
		el, err := readKeyFile(root, s.SignedBy)
		if err != nil {
			return nil, fmt.Errorf("the keyring %s that %s names for %s %s: %w", s.SignedBy, s.From, s.URI, s.Suite, err)
		}
		return el, nil
	}
	var all openpgp.EntityList
	if el, err := readKeyFile(root, "/etc/apt/trusted.gpg"); err == nil {
		all = append(all, el...)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading /etc/apt/trusted.gpg in the base image: %w", err)
	}
	entries, err := fs.ReadDir(root, "etc/apt/trusted.gpg.d")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading /etc/apt/trusted.gpg.d in the base image: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".gpg") || strings.HasSuffix(n, ".asc") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		el, err := readKeyFile(root, "/etc/apt/trusted.gpg.d/"+n)
		if err != nil {
			return nil, fmt.Errorf("reading the key /etc/apt/trusted.gpg.d/%s in the base image: %w", n, err)
		}
		all = append(all, el...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s %s (from %s) has no Signed-By and the base image has no keys in /etc/apt/trusted.gpg.d: its InRelease cannot be verified", s.URI, s.Suite, s.From)
	}
	return all, nil
}

// readKeyFile reads a keyring at an absolute path in root, binary or ASCII-armored.
func readKeyFile(root fs.FS, abs string) (openpgp.EntityList, error) {
	data, err := fs.ReadFile(root, strings.TrimPrefix(abs, "/"))
	if err != nil {
		return nil, err
	}
	if bytes.Contains(data[:min(len(data), 256)], []byte("-----BEGIN PGP")) {
		return openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
	}
	return openpgp.ReadKeyRing(bytes.NewReader(data))
}
