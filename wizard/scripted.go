package wizard

import (
	"fmt"
	"slices"
	"strings"
)

// Scripted answers questions from a list, in order, as if each answer were typed: a select
// takes an option's value, a multi-select comma-separated values or "none", a confirm y or
// n, an input its text; "" takes the default everywhere. It fails when the answers run out
// or an answer is invalid, so a test notices a question it did not expect.
type Scripted struct {
	answers []string
	asked   []string
}

// NewScripted returns a Prompter that gives these answers in order.
func NewScripted(answers ...string) *Scripted {
	return &Scripted{answers: answers}
}

// Asked lists the titles of the questions asked so far.
func (s *Scripted) Asked() []string { return slices.Clone(s.asked) }

// Unused lists the answers no question has taken yet.
func (s *Scripted) Unused() []string { return slices.Clone(s.answers) }

func (s *Scripted) next(title string) (string, error) {
	s.asked = append(s.asked, title)
	if len(s.answers) == 0 {
		return "", fmt.Errorf("scripted: no answer left for %q", title)
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	return strings.TrimSpace(a), nil
}

func values(options []Option) []string {
	v := make([]string, len(options))
	for i, o := range options {
		v[i] = o.Value
	}
	return v
}

// Select implements Prompter.
func (s *Scripted) Select(title, help string, options []Option, def string) (string, error) {
	a, err := s.next(title)
	if err != nil {
		return "", err
	}
	if a == "" {
		a = def
	}
	if !slices.Contains(values(options), a) {
		return "", fmt.Errorf("scripted: %q is not an option of %q (%s)", a, title, strings.Join(values(options), ", "))
	}
	return a, nil
}

// MultiSelect implements Prompter.
func (s *Scripted) MultiSelect(title, help string, options []Option, defs []string, validate func([]string) error) ([]string, error) {
	a, err := s.next(title)
	if err != nil {
		return nil, err
	}
	chosen := []string{}
	switch a {
	case "":
		chosen = append(chosen, defs...)
	case "none":
	default:
		for _, v := range strings.Split(a, ",") {
			v = strings.TrimSpace(v)
			if !slices.Contains(values(options), v) {
				return nil, fmt.Errorf("scripted: %q is not an option of %q (%s)", v, title, strings.Join(values(options), ", "))
			}
			chosen = append(chosen, v)
		}
	}
	if validate != nil {
		if err := validate(chosen); err != nil {
			return nil, fmt.Errorf("scripted: answer %q to %q: %w", a, title, err)
		}
	}
	return chosen, nil
}

// Input implements Prompter.
func (s *Scripted) Input(title, help, def string, validate func(string) error) (string, error) {
	a, err := s.next(title)
	if err != nil {
		return "", err
	}
	if a == "" {
		a = def
	}
	if validate != nil {
		if err := validate(a); err != nil {
			return "", fmt.Errorf("scripted: answer %q to %q: %w", a, title, err)
		}
	}
	return a, nil
}

// Confirm implements Prompter.
func (s *Scripted) Confirm(title, help string, def bool) (bool, error) {
	a, err := s.next(title)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(a) {
	case "":
		return def, nil
	case "y", "yes":
		return true, nil
	case "n", "no":
		return false, nil
	}
	return false, fmt.Errorf("scripted: answer %q to %q: want y or n", a, title)
}
