package enrich

import (
	"math"

	scalefield "github.com/scalefield/scalefield"
)

// Risk score weights; docs/enrichment.md explains them.
var severityRisk = map[scalefield.Severity]float64{
	scalefield.SeverityUnknown:  10,
	scalefield.SeverityInfo:     5,
	scalefield.SeverityLow:      15,
	scalefield.SeverityMedium:   35,
	scalefield.SeverityHigh:     55,
	scalefield.SeverityCritical: 75,
}

const (
	// riskPerConfidence turns the best threat match's confidence (0-100)
	// into points: a certain indicator adds 50.
	riskPerConfidence = 0.5
	// riskPerExtraField is added for each further event field that matched
	// an indicator (at most riskExtraFields of them): an event whose source
	// and destination are both known bad is worse than one with one match.
	riskPerExtraField = 5
	riskExtraFields   = 2
	// riskPrivileged is added when the actor is a privileged user.
	riskPrivileged = 15
	// riskFailure is added when the event's outcome is a failure (a refused
	// sign-in, a blocked action): failures precede most intrusions.
	riskFailure = 5
)

// RiskScore returns the risk of e from 0 to 100, rounded to one decimal:
//
//	severity points (info 5, low 15, medium 35, high 55, critical 75, unknown 10)
//	+ 0.5 × the highest threat match confidence
//	+ 5 per further event field with a threat match (at most 10)
//	+ 15 when the actor is a privileged user
//	+ 5 when the outcome is a failure
//
// capped at 100. It reads Severity, ThreatMatch, UserContext and Status.
func RiskScore(e *scalefield.SecurityEvent) float64 {
	score, ok := severityRisk[e.Severity]
	if !ok {
		score = severityRisk[scalefield.SeverityUnknown]
	}
	if len(e.ThreatMatch) > 0 {
		best, extra := 0, 0
		var seen [maxMatches]string
		n := 0
		for _, m := range e.ThreatMatch {
			best = max(best, m.Confidence)
			dup := false
			for _, f := range seen[:n] {
				dup = dup || f == m.Field
			}
			if !dup && n < len(seen) {
				seen[n] = m.Field
				n++
			}
		}
		extra = min(n-1, riskExtraFields)
		score += riskPerConfidence*float64(min(max(best, 0), 100)) + riskPerExtraField*float64(extra)
	}
	if e.UserContext != nil && e.UserContext.Privileged {
		score += riskPrivileged
	}
	if e.Status == "failure" {
		score += riskFailure
	}
	return math.Round(min(score, 100)*10) / 10
}
