package enrich

import (
	"net/netip"
	"path/filepath"
	"testing"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline/enrich/enrichtest"
)

// openTestGeoIP writes the enrichtest world to a temporary file and opens it
// as both databases.
func openTestGeoIP(t testing.TB) *GeoIP {
	t.Helper()
	path := filepath.Join(t.TempDir(), "geo.mmdb")
	enrichtest.WriteMMDB(t, path, enrichtest.Networks)
	g, err := OpenGeoIP(path, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

func TestGeoIPLookup(t *testing.T) {
	t.Parallel()
	g := openTestGeoIP(t)
	london := &scalefield.Geo{Country: "GB", City: "London", Lat: 51.5142, Lon: -0.0931, ASN: 20712, ASOrg: "Andrews & Arnold Ltd"}
	for _, tc := range []struct {
		addr string
		want *scalefield.Geo
	}{
		{"81.2.69.142", london},
		{"::ffff:81.2.69.142", london},
		{"89.160.20.112", &scalefield.Geo{Country: "SE", City: "Linköping", Lat: 58.4167, Lon: 15.6167, ASN: 29518, ASOrg: "Bredband2 AB"}},
		{"8.8.8.8", &scalefield.Geo{Country: "US", Lat: 37.751, Lon: -97.822, ASN: 15169, ASOrg: "GOOGLE"}},
		{"2001:480::1", &scalefield.Geo{Country: "US", City: "San Diego", Lat: 32.7157, Lon: -117.1611, ASN: 668, ASOrg: "DoD Network Information Center"}},
		{"1.128.0.1", &scalefield.Geo{ASN: 1221, ASOrg: "Telstra Pty Ltd"}},
		{"9.9.9.9", nil},     // not in the database
		{"10.1.2.3", nil},    // private
		{"127.0.0.1", nil},   // loopback
		{"169.254.1.1", nil}, // link-local
		{"fd00::1", nil},     // unique local
		{"224.0.0.1", nil},   // multicast
		{"0.0.0.0", nil},     // unspecified
	} {
		for range 2 { // the second lookup is served from the cache
			got := g.Lookup(netip.MustParseAddr(tc.addr))
			if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
				t.Errorf("Lookup(%s) = %+v, want %+v", tc.addr, got, tc.want)
			}
		}
	}
	if g.Lookup(netip.Addr{}) != nil {
		t.Error("the zero address has a location")
	}
}

func TestGeoIPSeparateASNDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	city, asn := filepath.Join(dir, "city.mmdb"), filepath.Join(dir, "asn.mmdb")
	enrichtest.WriteMMDB(t, city, []enrichtest.Network{{CIDR: "81.2.69.0/24", Country: "GB", City: "London"}})
	enrichtest.WriteMMDB(t, asn, []enrichtest.Network{{CIDR: "81.2.0.0/16", ASN: 20712, ASOrg: "Andrews & Arnold Ltd"}})
	g, err := OpenGeoIP(city, asn)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if got := g.Lookup(netip.MustParseAddr("81.2.69.1")); got == nil || *got != (scalefield.Geo{Country: "GB", City: "London", ASN: 20712, ASOrg: "Andrews & Arnold Ltd"}) {
		t.Errorf("city and ASN = %+v", got)
	}
	if got := g.Lookup(netip.MustParseAddr("81.2.1.1")); got == nil || *got != (scalefield.Geo{ASN: 20712, ASOrg: "Andrews & Arnold Ltd"}) {
		t.Errorf("ASN only = %+v", got)
	}
	if _, err := OpenGeoIP(filepath.Join(dir, "missing.mmdb"), ""); err == nil {
		t.Error("opened a missing file")
	}
	if _, err := OpenGeoIP(city, filepath.Join(dir, "missing.mmdb")); err == nil {
		t.Error("opened a missing ASN file")
	}
}

func netipMust(s string) netip.Addr { return netip.MustParseAddr(s) }
