package ownfile

import "testing"

func TestIs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"# Dockerfile for shop, written by containerize from requirements.txt.\nFROM python\n", true},
		{"# Compose file for shop, written by containerize: the production setup.\n", true},
		{"FROM python:3.12\n# written by containerize\n", false}, // only the first line counts
		{"", false},
	} {
		if got := Is([]byte(tc.in)); got != tc.want {
			t.Errorf("Is(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
