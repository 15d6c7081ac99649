package wizard

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"charm.land/huh/v2"
)

func TestScratch(t *testing.T) {
	var out bytes.Buffer
	in := strings.NewReader("2\n3\n0\n")
	v := "b"
	sel := huh.NewSelect[string]().Title("Pick one").Description("desc").Options(huh.NewOption("A label", "a"), huh.NewOption("B label", "b"), huh.NewOption("C", "c")).Value(&v)
	err := huh.NewForm(huh.NewGroup(sel)).WithAccessible(true).WithInput(in).WithOutput(&out).Run()
	fmt.Printf("err=%v v=%q\n%q\n", err, v, out.String())
	ms := []string{"a"}
	out.Reset()
	m := huh.NewMultiSelect[string]().Title("Pick many").Options(huh.NewOption("A label", "a"), huh.NewOption("B label", "b"), huh.NewOption("C", "c")).Value(&ms)
	err = huh.NewForm(huh.NewGroup(m)).WithAccessible(true).WithInput(in).WithOutput(&out).Run()
	fmt.Printf("err=%v v=%q\n%s\n%q\n", err, ms, out.String(), out.String())
}
