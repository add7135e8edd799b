package main

import (
	"fmt"
	"os"
	"strings"
)

// row is one measure of a table: today's figure, and the goal it must stay
// below, if it has one.
type row struct {
	measure string
	figure  float64
	err     error // why there is no figure
	below   float64
	unit    string
}

// missed says whether the row has a goal that today's figure does not
// meet; a row with a goal and no figure misses it.
func (r row) missed() bool { return r.below > 0 && (r.err != nil || r.figure >= r.below) }

// table prints rows as markdown, today's figure beside each goal, and
// says whether every goal was met.
func table(rows []row) bool {
	ok := true
	fmt.Println("| measure | today | goal |\n|---|---|---|")
	for _, r := range rows {
		figure := fmt.Sprintf("%.2f %s", r.figure, r.unit)
		if r.err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", r.measure, r.err)
			figure = "none: see stderr"
		}
		goal := ""
		if r.below > 0 {
			goal = fmt.Sprintf("< %g %s", r.below, r.unit)
		}
		if r.missed() {
			goal += " MISSED"
			ok = false
		}
		fmt.Printf("| %s | %s | %s |\n", r.measure, figure, strings.TrimSpace(goal))
	}
	return ok
}
