package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"pault.ag/go/debian/control"
)

// Release is the parsed body of a verified InRelease file.
type Release struct {
	Suite, Codename string
	Date            time.Time
	ValidUntil      time.Time // zero when the Release has no Valid-Until
	Architectures   []string
	Components      []string
	SHA256          map[string]FileHash // by path relative to dists/SUITE/, e.g. "main/binary-amd64/Packages.xz"
	AcquireByHash   bool                // the archive serves files at DIR/by-hash/SHA256/HASH too
	Signer          *openpgp.Entity
}

// FileHash is one line of a Release's SHA256 list.
type FileHash struct {
	SHA256 string
	Size   int64
}

// VerifyInRelease checks that data is an InRelease file clearsigned by one of keys, with a
// signature and key valid at now, and not past its Valid-Until; then parses the signed
// body. Text outside the signed block is refused, as is an unsigned file.
func VerifyInRelease(data []byte, keys openpgp.EntityList, now time.Time) (*Release, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if !bytes.HasPrefix(trimmed, []byte("-----BEGIN PGP SIGNED MESSAGE-----")) {
		return nil, errors.New("it is not signed (no \"-----BEGIN PGP SIGNED MESSAGE-----\" header)")
	}
	block, rest := clearsign.Decode(trimmed)
	if block == nil {
		return nil, errors.New("its clearsigned block is malformed")
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("it has unsigned text after the signature")
	}
	return verifySigned(block.Bytes, block.ArmoredSignature.Body, keys, now)
}

// VerifyRelease checks a Release file against its detached signature Release.gpg
// (armored or binary), for archives that serve no InRelease; as VerifyInRelease otherwise.
func VerifyRelease(release, sig []byte, keys openpgp.EntityList, now time.Time) (*Release, error) {
	var sigr io.Reader = bytes.NewReader(sig)
	if bytes.HasPrefix(bytes.TrimSpace(sig), []byte("-----BEGIN PGP")) {
		b, err := armor.Decode(bytes.NewReader(sig))
		if err != nil {
			return nil, fmt.Errorf("its Release.gpg is not an armored signature: %w", err)
		}
		sigr = b.Body
	}
	return verifySigned(release, sigr, keys, now)
}

func verifySigned(signed []byte, sig io.Reader, keys openpgp.EntityList, now time.Time) (*Release, error) {
	cfg := &packet.Config{Time: func() time.Time { return now }}
	signer, err := openpgp.CheckDetachedSignature(keys, bytes.NewReader(signed), sig, cfg)
	if err != nil {
		var who []string
		for _, e := range keys {
			if e.PrimaryKey != nil {
				who = append(who, e.PrimaryKey.KeyIdString())
			}
		}
		return nil, fmt.Errorf("its signature does not verify against the trusted keys [%s]: %w", strings.Join(who, " "), err)
	}
	rel, err := ParseRelease(bytes.NewReader(signed))
	if err != nil {
		return nil, err
	}
	rel.Signer = signer
	if !rel.ValidUntil.IsZero() && now.After(rel.ValidUntil) {
		return nil, fmt.Errorf("it expired at its Valid-Until %s (now %s): the mirror is stale or the clock is wrong",
			rel.ValidUntil.UTC().Format(time.RFC1123), now.UTC().Format(time.RFC1123))
	}
	return rel, nil
}

// ParseRelease parses a Release body (already verified).
func ParseRelease(r io.Reader) (*Release, error) {
	pr, err := control.NewParagraphReader(r, nil)
	if err != nil {
		return nil, err
	}
	p, err := pr.Next()
	if err != nil {
		return nil, fmt.Errorf("its Release body is empty or malformed: %w", err)
	}
	v := p.Values
	rel := &Release{
		Suite: v["Suite"], Codename: v["Codename"],
		Architectures: strings.Fields(v["Architectures"]),
		Components:    strings.Fields(v["Components"]),
		SHA256:        map[string]FileHash{},
		AcquireByHash: strings.EqualFold(v["Acquire-By-Hash"], "yes"),
	}
	if d := v["Date"]; d != "" {
		if rel.Date, err = parseReleaseTime(d); err != nil {
			return nil, fmt.Errorf("its Date %q: %w", d, err)
		}
	}
	if d := v["Valid-Until"]; d != "" {
		if rel.ValidUntil, err = parseReleaseTime(d); err != nil {
			return nil, fmt.Errorf("its Valid-Until %q: %w", d, err)
		}
	}
	for _, line := range strings.Split(v["SHA256"], "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 || len(f[0]) != 64 {
			return nil, fmt.Errorf("its SHA256 line %q is not \"HASH SIZE PATH\"", line)
		}
		size, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("its SHA256 line %q has a bad size", line)
		}
		rel.SHA256[f[2]] = FileHash{SHA256: strings.ToLower(f[0]), Size: size}
	}
	return rel, nil
}

func parseReleaseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC1123, time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not an RFC 1123 date")
}
