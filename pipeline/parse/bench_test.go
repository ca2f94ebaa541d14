package parse

import (
	"testing"

	"github.com/leodido/go-syslog/v4/rfc5424"
)

// benchParse parses the lines of a corpus round-robin and reports messages
// per second. Run single-threaded (-cpu 1): the figure is per core.
func benchParse(b *testing.B, lines [][]byte, parse func([]byte) error) {
	var size int
	for _, l := range lines {
		size += len(l)
	}
	b.SetBytes(int64(size / len(lines)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := parse(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
}

// goodLines returns the lines of a corpus that parse.
func goodLines(b *testing.B, path string, parse func([]byte) error) [][]byte {
	var good [][]byte
	for _, l := range mustLines(b, path) {
		if parse(l) == nil {
			good = append(good, l)
		}
	}
	if len(good) == 0 {
		b.Fatalf("no line of %s parses", path)
	}
	return good
}

func BenchmarkParseRFC5424(b *testing.B) {
	parse := func(l []byte) error { _, err := ParseRFC5424(l); return err }
	benchParse(b, goodLines(b, rfc5424Samples, parse), parse)
}

// BenchmarkGoSyslogRFC5424 is go-syslog alone, to show what ParseRFC5424
// adds to it.
func BenchmarkGoSyslogRFC5424(b *testing.B) {
	m := rfc5424.NewMachine()
	parse := func(l []byte) error { _, err := m.Parse(l); return err }
	benchParse(b, goodLines(b, rfc5424Samples, parse), parse)
}

func BenchmarkParseRFC3164(b *testing.B) {
	parse := func(l []byte) error { _, err := ParseRFC3164(l, goldenRef); return err }
	benchParse(b, goodLines(b, rfc3164Samples, parse), parse)
}

func BenchmarkParseCEF(b *testing.B) {
	parse := func(l []byte) error { _, err := ParseCEF(l); return err }
	benchParse(b, goodLines(b, cefSamples, parse), parse)
}

func BenchmarkParseSyslogCEF(b *testing.B) {
	parse := func(l []byte) error { _, _, err := ParseSyslogCEF(l, goldenRef); return err }
	benchParse(b, goodLines(b, syslogCEFLines, parse), parse)
}
