package archive

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
)

func TestVerifyInReleaseRefusesUnsignedText(t *testing.T) {
	key := newKey(t, "archive", 0)
	body := "Suite: stable\nCodename: bookworm\nDate: Sat, 09 Nov 2024 10:00:00 UTC\nSHA256:\n " + strings.Repeat("0", 64) + " 1 main/binary-amd64/Packages\n"
	signed := clearsignWith(t, key, []byte(body))
	keys := openpgp.EntityList{key}
	rel, err := VerifyInRelease(signed, keys, now)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Codename != "bookworm" || rel.Date != time.Date(2024, 11, 9, 10, 0, 0, 0, time.UTC) || !rel.ValidUntil.IsZero() || rel.Signer != key {
		t.Errorf("release = %+v", rel)
	}
	for name, data := range map[string][]byte{
		"text before":  append([]byte("Suite: evil\n\n"), signed...),
		"text after":   append(append([]byte{}, signed...), []byte("\nSuite: evil\n")...),
		"no signature": bytes.Replace(signed, []byte("-----BEGIN PGP SIGNATURE-----"), []byte("-----BEGIN PGP XIGNATURE-----"), 1),
	} {
		if _, err := VerifyInRelease(data, keys, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
