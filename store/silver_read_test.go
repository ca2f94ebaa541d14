package store_test

import (
	"fmt"
	"testing"

	scalefield "github.com/scalefield/scalefield"
)

func TestExplorerFiltersFacetsAndDetail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := []string{"Alice", "bob", "carol"}
	var payloads []string
	for i := range 9 {
		payloads = append(payloads, fmt.Sprintf(
			`{"time":%d,"event":{"message":"port scan %d from peer","severity":"%s","src_ip":"198.51.100.%d","dst_ip":"10.0.0.%d","user":"%s"}}`,
			1700000000+i, i, []string{"low", "high", "medium"}[i%3], i%3+1, i%2+1, users[i%3]))
	}
	MustAppend(t, b, b.tenantA.ID, payloads...)
	MustAppend(t, b, b.tenantB.ID, `{"time":1700000100,"event":{"message":"port scan of the other tenant","severity":"high","src_ip":"198.51.100.1","user":"Alice"}}`)
	MustRefineAll(t, b)
	ctx := sessionCtx(b.tenantA.ID)
	ptr := func(s string) *string { return &s }

	count := func(f scalefield.EventFilter) int {
		t.Helper()
		page, err := b.events.FindEvents(ctx, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if !page.TotalExact {
			t.Errorf("%+v: count not exact", f)
		}
		return page.TotalCount
	}
	for _, tt := range []struct {
		name string
		f    scalefield.EventFilter
		want int
	}{
		{"everything", scalefield.EventFilter{}, 9},
		{"words, any order, any case", scalefield.EventFilter{Search: ptr("SCAN port")}, 9},
		{"a word that is not there", scalefield.EventFilter{Search: ptr("portscan")}, 0},
		{"one source address", scalefield.EventFilter{SrcIP: ptr("198.51.100.2")}, 3},
		{"a CIDR", scalefield.EventFilter{SrcIP: ptr("198.51.100.2/31")}, 6},
		{"either end", scalefield.EventFilter{IP: ptr("10.0.0.2")}, 4},
		{"destination", scalefield.EventFilter{DstIP: ptr("10.0.0.1/32")}, 5},
		{"user, case-insensitive", scalefield.EventFilter{User: ptr("alice")}, 3},
		{"host", scalefield.EventFilter{Host: ptr("h1")}, 9},
		{"another host", scalefield.EventFilter{Host: ptr("h2")}, 0},
		{"severity", scalefield.EventFilter{Severity: []scalefield.Severity{scalefield.SeverityHigh}}, 3},
		{"no threat matched", scalefield.EventFilter{ThreatMatched: new(bool)}, 9},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := count(tt.f); got != tt.want {
				t.Errorf("got %d events, want %d", got, tt.want)
			}
		})
	}

	t.Run("facets count each field in one pass", func(t *testing.T) {
		facets, err := b.events.CountFacets(ctx, scalefield.EventFilter{}, []scalefield.FacetField{
			scalefield.FacetSeverity, scalefield.FacetUser, scalefield.FacetSrcIP, scalefield.FacetCountry}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if facets.Total != 9 || facets.Approximate {
			t.Errorf("total %d approximate %v, want 9 exact", facets.Total, facets.Approximate)
		}
		got := fmt.Sprint(facets.Fields[scalefield.FacetSeverity], facets.Fields[scalefield.FacetUser], facets.Fields[scalefield.FacetSrcIP])
		want := "[{high 3} {low 3}] [{Alice 3} {bob 3}] [{198.51.100.1 3} {198.51.100.2 3}]"
		if got != want {
			t.Errorf("facets = %s, want %s (largest first, ties by value, limit 2)", got, want)
		}
		if len(facets.Fields[scalefield.FacetCountry]) != 0 {
			t.Errorf("country facet %v, want none (no GeoIP)", facets.Fields[scalefield.FacetCountry])
		}
		filtered, err := b.events.CountFacets(ctx, scalefield.EventFilter{User: ptr("BOB")}, []scalefield.FacetField{scalefield.FacetDstIP}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(filtered.Fields[scalefield.FacetDstIP]) != "[{10.0.0.2 2} {10.0.0.1 1}]" || filtered.Total != 3 {
			t.Errorf("bob's destinations = %v (total %d)", filtered.Fields[scalefield.FacetDstIP], filtered.Total)
		}
		if _, err := b.events.CountFacets(ctx, scalefield.EventFilter{}, nil, 10); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("no fields: %v, want EINVALID", err)
		}
	})

	t.Run("detail by ID and time, in the tenant only", func(t *testing.T) {
		page, err := b.events.FindEvents(ctx, scalefield.EventFilter{First: 1})
		if err != nil {
			t.Fatal(err)
		}
		e := page.Events[0]
		got, err := b.events.FindEvent(ctx, e.ID, e.Time)
		if err != nil || got.Message != e.Message || got.Quality <= 0 || got.DupCount != 1 || len(got.DedupKey) != 0 {
			t.Fatalf("FindEvent = %+v, %v", got, err)
		}
		if _, err := b.events.FindEvent(sessionCtx(b.tenantB.ID), e.ID, e.Time); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
			t.Errorf("other tenant: %v, want ENOTFOUND", err)
		}
		raw, err := b.events.FindBronzeEvent(ctx, e.BronzeID)
		if err != nil || raw.ID != e.BronzeID {
			t.Fatalf("FindBronzeEvent = %+v, %v", raw, err)
		}
		if _, err := b.events.FindBronzeEvent(sessionCtx(b.tenantB.ID), e.BronzeID); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
			t.Errorf("other tenant's Bronze: %v, want ENOTFOUND", err)
		}
	})

	t.Run("refuses bad filters", func(t *testing.T) {
		for _, f := range []scalefield.EventFilter{{IP: ptr("10.0.0.300")}, {Country: ptr("USA")}, {SrcIP: ptr("not/an/ip")}} {
			if _, err := b.events.FindEvents(ctx, f); scalefield.ErrorCode(err) != scalefield.EINVALID {
				t.Errorf("%+v: %v, want EINVALID", f, err)
			}
		}
	})
}
