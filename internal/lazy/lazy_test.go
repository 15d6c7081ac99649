package lazy

import "testing"

func TestRegexp(t *testing.T) {
	re := Regexp(`^a+$`)
	if !re().MatchString("aaa") || re().MatchString("b") || re() != re() {
		t.Fatal("Regexp does not compile once and match")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a bad expression did not panic")
		}
	}()
	Regexp(`(`)()
}
