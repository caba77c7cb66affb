package engine

// KeyEverything makes sc's exploration tell states apart by every visit
// count and every once flag, as it did before keyVisits and keyOnce: the
// reference that the smaller key must agree with.
func KeyEverything(sc *Scenario) {
	sc.keyVisits = true
	sc.keyOnce = sc.keyOnce[:0]
	for i := range sc.onces {
		sc.keyOnce = append(sc.keyOnce, i)
	}
}
