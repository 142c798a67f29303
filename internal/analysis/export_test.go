package analysis

// Untaught turns off what accepted links teach the ranking, so that a benchmark can measure
// what it adds.
func (a *Analyst) Untaught() *Analyst {
	a.untaught = true
	return a
}
