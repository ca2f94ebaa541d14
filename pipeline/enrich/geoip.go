package enrich

import (
	"errors"
	"fmt"
	"net/netip"
	"sync/atomic"

	"github.com/oschwald/maxminddb-golang/v2"

	scalefield "github.com/scalefield/scalefield"
)

// GeoIP finds where public IP addresses are, from MaxMind-format (.mmdb)
// databases: a city database (GeoLite2-City, GeoIP2-City, DB-IP City Lite)
// and an optional ASN database (GeoLite2-ASN, DB-IP ASN Lite). One file
// with both sets of fields serves as both. It is safe for concurrent use.
type GeoIP struct {
	city, asn *maxminddb.Reader
	// cache keeps the decoded record of recently seen database records:
	// many addresses share one record, and decoding costs more than the
	// tree walk. It is direct-mapped and lock-free, so it stays bounded.
	cache [geoCacheSize]atomic.Pointer[geoCacheEntry]
}

const (
	geoCacheBits = 13
	geoCacheSize = 1 << geoCacheBits
)

type geoCacheEntry struct {
	cityOff, asnOff uintptr
	geo             *scalefield.Geo
}

// cityRecord decodes the GeoLite2-City fields we keep and, for a combined
// file, the GeoLite2-ASN ones.
type cityRecord struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	City struct {
		Names struct {
			EN string `maxminddb:"en"`
		} `maxminddb:"names"`
	} `maxminddb:"city"`
	Location struct {
		Latitude  float64 `maxminddb:"latitude"`
		Longitude float64 `maxminddb:"longitude"`
	} `maxminddb:"location"`
	asnRecord
}

type asnRecord struct {
	ASN   uint32 `maxminddb:"autonomous_system_number"`
	ASOrg string `maxminddb:"autonomous_system_organization"`
}

// OpenGeoIP opens the city database at cityPath and, when asnPath is not
// empty, the ASN database at asnPath. Without an ASN database, ASN fields
// come from the city database when it has them.
func OpenGeoIP(cityPath, asnPath string) (*GeoIP, error) {
	g := &GeoIP{}
	var err error
	if g.city, err = maxminddb.Open(cityPath); err != nil {
		return nil, fmt.Errorf("open GeoIP database %s: %w", cityPath, err)
	}
	if asnPath != "" {
		if g.asn, err = maxminddb.Open(asnPath); err != nil {
			g.city.Close()
			return nil, fmt.Errorf("open GeoIP ASN database %s: %w", asnPath, err)
		}
	}
	return g, nil
}

// Close releases the databases. Lookups after Close return nil.
func (g *GeoIP) Close() error {
	err := g.city.Close()
	if g.asn != nil {
		err = errors.Join(err, g.asn.Close())
	}
	return err
}

// Lookup returns where addr is, or nil when it is not a public unicast
// address or no database knows it. The Geo returned may be shared with
// other lookups: callers must not modify it.
func (g *GeoIP) Lookup(addr netip.Addr) *scalefield.Geo {
	addr = addr.Unmap()
	if !PublicAddr(addr) {
		return nil
	}
	city := g.city.Lookup(addr)
	var asn maxminddb.Result
	if g.asn != nil {
		asn = g.asn.Lookup(addr)
	}
	cityFound, asnFound := city.Found(), g.asn != nil && asn.Found()
	if !cityFound && !asnFound {
		return nil
	}
	var cityOff, asnOff uintptr = ^uintptr(0), ^uintptr(0)
	if cityFound {
		cityOff = city.Offset()
	}
	if asnFound {
		asnOff = asn.Offset()
	}
	slot := &g.cache[g.slot(cityOff, asnOff)]
	if e := slot.Load(); e != nil && e.cityOff == cityOff && e.asnOff == asnOff {
		return e.geo
	}

	var rec cityRecord
	if cityFound {
		if err := city.Decode(&rec); err != nil {
			return nil
		}
	}
	if asnFound {
		if err := asn.Decode(&rec.asnRecord); err != nil {
			return nil
		}
	}
	geo := &scalefield.Geo{
		Country: rec.Country.ISOCode,
		City:    rec.City.Names.EN,
		Lat:     rec.Location.Latitude,
		Lon:     rec.Location.Longitude,
		ASN:     rec.ASN,
		ASOrg:   rec.ASOrg,
	}
	if *geo == (scalefield.Geo{}) {
		geo = nil
	}
	slot.Store(&geoCacheEntry{cityOff: cityOff, asnOff: asnOff, geo: geo})
	return geo
}

func (g *GeoIP) slot(a, b uintptr) uint64 {
	// Fibonacci hashing of both offsets; the top bits pick the slot.
	h := (uint64(a)*0x9E3779B97F4A7C15 ^ uint64(b)) * 0xC2B2AE3D27D4EB4F
	return h >> (64 - geoCacheBits)
}

// PublicAddr reports whether a is a valid address GeoIP databases can
// place: not private, loopback, link-local, multicast or unspecified.
func PublicAddr(a netip.Addr) bool {
	return a.IsValid() && a.IsGlobalUnicast() && !a.IsPrivate()
}
