// Package enrichtest writes small MaxMind DB (.mmdb) files for tests of
// GeoIP enrichment, in the field layout of GeoLite2-City plus that of
// GeoLite2-ASN, so one file serves as both databases.
package enrichtest

import (
	"net"
	"os"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// Network is one network of a test database and what it says about it.
// Empty fields are left out of the record.
type Network struct {
	CIDR    string // "81.2.69.0/24", "2001:db8::/32"
	Country string // ISO 3166-1 alpha-2
	City    string
	Lat     float64
	Lon     float64
	ASN     uint32
	ASOrg   string
}

// Networks is a small world for tests: documentation and well-known public
// ranges in a few countries.
var Networks = []Network{
	{CIDR: "81.2.69.0/24", Country: "GB", City: "London", Lat: 51.5142, Lon: -0.0931, ASN: 20712, ASOrg: "Andrews & Arnold Ltd"},
	{CIDR: "89.160.20.0/24", Country: "SE", City: "Linköping", Lat: 58.4167, Lon: 15.6167, ASN: 29518, ASOrg: "Bredband2 AB"},
	{CIDR: "8.8.8.0/24", Country: "US", Lat: 37.751, Lon: -97.822, ASN: 15169, ASOrg: "GOOGLE"},
	{CIDR: "2001:480::/32", Country: "US", City: "San Diego", Lat: 32.7157, Lon: -117.1611, ASN: 668, ASOrg: "DoD Network Information Center"},
	{CIDR: "1.128.0.0/11", ASN: 1221, ASOrg: "Telstra Pty Ltd"},
}

// WriteMMDB writes a database of nets to path, failing the test on error.
func WriteMMDB(t testing.TB, path string, nets []Network) {
	t.Helper()
	if err := Write(path, nets); err != nil {
		t.Fatalf("write mmdb: %v", err)
	}
}

// Write writes a database of nets to path: an IPv6 tree (IPv4 networks
// reachable through the usual ::/96 and ::ffff:0:0/96 aliases) of
// GeoLite2-City records (country.iso_code, city.names.en,
// location.latitude and location.longitude) that also carry the
// GeoLite2-ASN fields autonomous_system_number and
// autonomous_system_organization.
func Write(path string, nets []Network) error {
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType: "GeoLite2-City",
		Description:  map[string]string{"en": "Scalefield test database"},
		Languages:    []string{"en"},
		RecordSize:   28,
	})
	if err != nil {
		return err
	}
	for _, n := range nets {
		_, ipnet, err := net.ParseCIDR(n.CIDR)
		if err != nil {
			return err
		}
		if err := tree.Insert(ipnet, record(n)); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := tree.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func record(n Network) mmdbtype.Map {
	m := mmdbtype.Map{}
	if n.Country != "" {
		m["country"] = mmdbtype.Map{"iso_code": mmdbtype.String(n.Country)}
	}
	if n.City != "" {
		m["city"] = mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String(n.City)}}
	}
	if n.Lat != 0 || n.Lon != 0 {
		m["location"] = mmdbtype.Map{"latitude": mmdbtype.Float64(n.Lat), "longitude": mmdbtype.Float64(n.Lon)}
	}
	if n.ASN != 0 {
		m["autonomous_system_number"] = mmdbtype.Uint32(n.ASN)
	}
	if n.ASOrg != "" {
		m["autonomous_system_organization"] = mmdbtype.String(n.ASOrg)
	}
	return m
}
