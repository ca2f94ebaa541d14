package pipeline

import (
	"testing"
	"time"
)

// A round of folds is followed by what is left of the interval while
// folding is quick, by Pace times the round under load, and never by more
// than maxPacedRounds intervals.
func TestAggregateNextRound(t *testing.T) {
	c := AggregateConfig{Interval: 2 * time.Second, Pace: 3}
	for _, tt := range []struct {
		round, want time.Duration
	}{
		{0, 2 * time.Second},
		{20 * time.Millisecond, 1980 * time.Millisecond},
		{500 * time.Millisecond, 1500 * time.Millisecond},
		{time.Second, 3 * time.Second},
		{2 * time.Second, 6 * time.Second},
		{5 * time.Second, 10 * time.Second},
	} {
		if got := c.nextRound(tt.round); got != tt.want {
			t.Errorf("after a round of %s: wait %s, want %s", tt.round, got, tt.want)
		}
	}
	c.Pace = 0
	if got := c.nextRound(3 * time.Second); got != 0 {
		t.Errorf("unpaced, after a round longer than the interval: wait %s, want 0", got)
	}
}
