package training

import (
	"time"
	"unicode/utf8"
)

// Cohort is a group of trainees that a manager runs through the same
// scenarios: "November onboarding".
type Cohort struct {
	ID        string
	Name      string
	CreatedBy string // the user who created it
	CreatedAt time.Time
}

// Member is a trainee in a cohort.
type Member struct {
	Account  Account
	JoinedAt time.Time
}

// Assignment is a scenario a cohort is asked to practise, with an optional
// due date and pass marks that override the scenario's.
type Assignment struct {
	CohortID   string
	ScenarioID string
	Due        time.Time      // zero: no due date
	PassMarks  map[string]int // competency → mark out of 100; nil or absent: the scenario's
	AssignedBy string
	AssignedAt time.Time
}

// MaxCohortName bounds a cohort's name, in characters.
const MaxCohortName = 80

// CleanCohortName trims a cohort's name and checks it.
func CleanCohortName(name string) (string, error) {
	name, err := CleanName(name)
	if err != nil {
		return "", Errorf(CodeBadRequest, "the cohort's name: %s", AsError(err).Message)
	}
	if utf8.RuneCountInString(name) > MaxCohortName {
		return "", Errorf(CodeBadRequest, "the cohort's name is longer than %d characters: shorten it", MaxCohortName)
	}
	return name, nil
}
