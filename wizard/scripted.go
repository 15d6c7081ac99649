package wizard

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Scripted answers forms for tests, as if each answer were typed: a select takes an
// option's value, a multi-select comma-separated values or "none", a confirm y or n, an
// input its text; "" takes the default everywhere. Answers are given in the order the
// questions are put (NewScripted) or by title (NewScriptedByTitle); a form's recap is
// followed by its Confirm question, answered like the others. Scripted fails when an
// answer is missing or invalid, so a test notices a question it did not expect.
type Scripted struct {
	answers []string
	byTitle map[string]string
	asked   []string
	recaps  []string
}

// NewScripted returns a Prompter that gives these answers in order.
func NewScripted(answers ...string) *Scripted {
	return &Scripted{answers: answers}
}

// NewScriptedByTitle returns a Prompter that answers each question by its title.
func NewScriptedByTitle(answers map[string]string) *Scripted {
	return &Scripted{byTitle: answers}
}

// Asked lists the titles of the questions asked so far.
func (s *Scripted) Asked() []string { return slices.Clone(s.asked) }

// Recaps lists the recaps shown so far.
func (s *Scripted) Recaps() []string { return slices.Clone(s.recaps) }

// Unused lists the answers no question has taken yet (by title: their titles, sorted).
func (s *Scripted) Unused() []string {
	if s.byTitle != nil {
		return slices.Sorted(func(yield func(string) bool) {
			for t := range s.byTitle {
				if !slices.Contains(s.asked, t) && !yield(t) {
					return
				}
			}
		})
	}
	return slices.Clone(s.answers)
}

// Ask implements Prompter.
func (s *Scripted) Ask(form Form) error {
	return askEach(form, s.answer, func(recap string) { s.recaps = append(s.recaps, recap) })
}

func (s *Scripted) next(title string) (string, error) {
	s.asked = append(s.asked, title)
	if s.byTitle != nil {
		a, ok := s.byTitle[title]
		if !ok {
			return "", fmt.Errorf("scripted: no answer for %q", title)
		}
		return strings.TrimSpace(a), nil
	}
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

// answer gives q its next answer.
func (s *Scripted) answer(q Question) error {
	a, err := s.next(q.Title)
	if err != nil {
		return err
	}
	invalid := func(err error) error { return fmt.Errorf("scripted: answer %q to %q: %w", a, q.Title, err) }
	switch {
	case q.Choice != nil:
		if a == "" {
			return nil
		}
		if !slices.Contains(values(q.Options), a) {
			return fmt.Errorf("scripted: %q is not an option of %q (%s)", a, q.Title, strings.Join(values(q.Options), ", "))
		}
		*q.Choice = a
	case q.Choices != nil:
		chosen := []string{}
		switch a {
		case "":
			chosen = append(chosen, *q.Choices...)
		case "none":
		default:
			for v := range strings.SplitSeq(a, ",") {
				v = strings.TrimSpace(v)
				if !slices.Contains(values(q.Options), v) {
					return fmt.Errorf("scripted: %q is not an option of %q (%s)", v, q.Title, strings.Join(values(q.Options), ", "))
				}
				chosen = append(chosen, v)
			}
		}
		if q.CheckChoices != nil {
			if err := q.CheckChoices(chosen); err != nil {
				return invalid(err)
			}
		}
		*q.Choices = chosen
	case q.Text != nil:
		a = orDefault(a, *q.Text)
		if q.CheckText != nil {
			if err := q.CheckText(a); err != nil {
				return invalid(err)
			}
		}
		*q.Text = a
	default:
		switch strings.ToLower(a) {
		case "":
		case "y", "yes":
			*q.Yes = true
		case "n", "no":
			*q.Yes = false
		default:
			return invalid(errors.New("want y or n"))
		}
	}
	return nil
}
