package gather

import (
	"testing"
)

func TestClassifyVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		engine, version string
		want            PatchStatus
		major           string
	}{
		{"postgresql", "17.7", PatchCurrent, "17"},
		{"PostgreSQL", "PostgreSQL 15.8 on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit", PatchBehind, "15"},
		{"postgresql", "15.15 (Debian 15.15-1.pgdg120+1)", PatchCurrent, "15"},
		{"postgresql", "13.23", PatchUnsupported, "13"},
		{"postgresql", "9.6.24", PatchUnsupported, "9.6"},
		{"postgresql", "12.22", PatchUnsupported, "12"},
		{"postgresql", "19.0", PatchUnknown, "19"},
		{"postgresql", "16", PatchBehind, "16"},
		{"mysql", "8.0.36-log", PatchBehind, "8.0"},
		{"mysql", "8.4.7", PatchCurrent, "8.4"},
		{"mysql", "5.7.44", PatchUnsupported, "5.7"},
		{"mariadb", "10.11.6-MariaDB-0+deb12u1", PatchBehind, "10.11"},
		{"mariadb", "5.5.5-10.6.24-MariaDB", PatchCurrent, "10.6"},
		{"oracle", "Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production Version 19.21.0.0.0", PatchBehind, "19"},
		{"oracle", "23.26.0.0.0", PatchCurrent, "23"},
		{"oracle", "12.2.0.1.0", PatchUnsupported, "12"},
		{"sqlserver", "Microsoft SQL Server 2022 (RTM-CU12) (KB5033663) - 16.0.4125.3 (X64)", PatchBehind, "16"},
		{"sqlserver", "15.0.4445.1", PatchCurrent, "15"},
		{"sqlserver", "14.0.3465.1", PatchUnsupported, "14"},
		{"db2", "DB2 v11.5.9.0", PatchCurrent, "11.5"},
		{"db2", "11.5.8.0", PatchBehind, "11.5"},
		{"mongodb", "7.0.5", PatchBehind, "7.0"},
		{"mongodb", "6.0.26", PatchUnsupported, "6.0"},
		{"mongodb", "8.0.16", PatchCurrent, "8.0"},
		{"mongodb", "unknown", PatchUnknown, ""},
		{"cassandra", "4.1.3", PatchUnknown, ""},
		{"postgresql", "", PatchUnknown, ""},
	}
	for _, tt := range tests {
		got := ClassifyVersion(tt.engine, tt.version)
		if got.Status != tt.want || got.Major != tt.major {
			t.Errorf("%s %q = %+v, want %s (major %q)", tt.engine, tt.version, got, tt.want, tt.major)
		}
		if got.Status == PatchBehind && got.Latest == "" {
			t.Errorf("%s %q: behind without a latest version", tt.engine, tt.version)
		}
	}
}

func TestBundledTableCoversTheEngines(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"postgresql": {"13", "14", "15", "16", "17"},
		"mysql":      {"8.0", "8.4"},
		"mariadb":    {"10.6", "10.11", "11.4"},
		"oracle":     {"19", "21", "23"},
		"sqlserver":  {"15", "16"},
		"db2":        {"11.5", "12.1"},
		"mongodb":    {"6.0", "7.0", "8.0"},
	}
	tbl := Releases()
	if tbl.AsOf == "" {
		t.Error("the table has no date")
	}
	for engine, majors := range want {
		for _, m := range majors {
			found := false
			for _, r := range tbl.Engines[engine] {
				found = found || r.Major == m
			}
			if !found {
				t.Errorf("%s %s missing from the table", engine, m)
			}
		}
	}
	if len(tbl.EngineNames()) != len(want) {
		t.Errorf("engines = %v", tbl.EngineNames())
	}
}

func TestParseReleasesRefusesInconsistentRows(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"bad date":        `{"as_of": "soon", "engines": {}}`,
		"wrong major":     `{"as_of": "2025-01-01", "engines": {"postgresql": [{"major": "16", "latest": "17.1", "supported": true}]}}`,
		"bad end of life": `{"as_of": "2025-01-01", "engines": {"mysql": [{"major": "8.0", "latest": "8.0.1", "end_of_life": "never"}]}}`,
		"not json":        `{`,
	} {
		if _, err := ParseReleases([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzClassifyVersion(f *testing.F) {
	for _, s := range []string{"15.8", "PostgreSQL 15.8 on x86_64-pc-linux-gnu", "5.5.5-10.11.6-MariaDB", "19.0.0.0.0 Version 19.21.0.0.0",
		"Microsoft SQL Server 2022 (RTM-CU12) - 16.0.4125.3 (X64)", "v11.5.9.0", "7.0.5", "", "99999999999999999999.1", "1..2"} {
		f.Add("postgresql", s)
		f.Add("oracle", s)
	}
	f.Fuzz(func(t *testing.T, engine, version string) {
		c := ClassifyVersion(engine, version)
		switch c.Status {
		case PatchCurrent, PatchBehind, PatchUnsupported, PatchUnknown:
		default:
			t.Fatalf("status %q", c.Status)
		}
		if c.Status == PatchBehind && c.Latest == "" {
			t.Fatalf("%s %q: behind without a latest version", engine, version)
		}
	})
}
