package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The requests below are what Grafana's GraphQL datasources send, byte for
// byte in shape (docs/grafana.md shows the panel set-up that produces them).
//
// Wild GraphQL Data Source posts the panel's query with the dashboard range
// as native variables "from" and "to" in epoch milliseconds; Infinity (in
// GraphQL mode) interpolates ${__from} and ${__to} into the query text and
// posts it without variables.
const (
	wildGraphQLBody = `{"query":"query ($from: Timestamp!, $to: Timestamp!) {\n  timeseries(metric: EVENTS, from: $from, to: $to, interval: HOUR, groupBy: SEVERITY) {\n    time\n    value\n    group\n  }\n}","operationName":null,"variables":{"from":FROM,"to":TO}}`
	infinityBody    = `{"query":"{ timeseries(metric: EVENTS, from: \"FROM\", to: \"TO\", interval: HOUR) { time timestamp value } }"}`
)

func TestGrafanaDatasourceRequests(t *testing.T) {
	b := setup(t)
	// Memberships made after start reach the policy at its next load.
	if err := b.main.Authorizer.Invalidate(context.Background()); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	MustPostHEC(t, b.main, b.a.Secret, `{"event": {"message": "grafana probe", "severity": "high"}}`)
	waitEvents(t, b, b.a.Token, 1)
	waitRefined(t, b.main)

	from := now.Add(-3 * time.Hour).UnixMilli()
	to := now.Add(time.Hour).UnixMilli()
	post := func(body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, b.main.Server.URL()+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+b.a.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil || out["errors"] != nil {
			t.Fatalf("%d %s", res.StatusCode, raw)
		}
		return out
	}
	replace := func(s string) string {
		return strings.NewReplacer("FROM", itoa(from), "TO", itoa(to)).Replace(s)
	}

	t.Run("Wild GraphQL: data path timeseries, time path time, labels from group", func(t *testing.T) {
		out := post(replace(wildGraphQLBody))
		points := out["data"].(map[string]any)["timeseries"].([]any)
		if len(points) < 4 {
			t.Fatalf("got %d points, want one per hour of the range", len(points))
		}
		var sum float64
		for _, p := range points {
			pt := p.(map[string]any)
			if _, err := time.Parse(time.RFC3339, pt["time"].(string)); err != nil {
				t.Fatalf("time %v: %v", pt["time"], err)
			}
			if pt["group"] != "high" {
				t.Fatalf("group %v, want high", pt["group"])
			}
			sum += pt["value"].(float64)
		}
		if sum != 1 {
			t.Errorf("values sum to %v, want 1", sum)
		}
	})
	t.Run("Infinity: epoch-ms strings in the query text", func(t *testing.T) {
		out := post(replace(infinityBody))
		points := out["data"].(map[string]any)["timeseries"].([]any)
		var sum float64
		for _, p := range points {
			pt := p.(map[string]any)
			ts := int64(pt["timestamp"].(float64))
			if ts < from-3600_000 || ts > to {
				t.Fatalf("timestamp %d outside the range", ts)
			}
			sum += pt["value"].(float64)
		}
		if sum != 1 {
			t.Errorf("values sum to %v, want 1", sum)
		}
	})
	t.Run("ISO-8601 range", func(t *testing.T) {
		body := strings.NewReplacer("FROM", now.Add(-2*time.Hour).Format(time.RFC3339), "TO", now.Add(time.Hour).Format(time.RFC3339)).Replace(infinityBody)
		post(body)
	})
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
