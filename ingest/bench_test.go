package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
)

// BenchmarkHECParseEvents measures the receiver's parsing of an HEC body
// of 100 events, without HTTP or storage.
func BenchmarkHECParseEvents(b *testing.B) {
	var body bytes.Buffer
	for i := range 100 {
		fmt.Fprintf(&body, `{"event":{"message":"benchmark event %d","severity":"medium","user":"bench","src_ip":"192.0.2.%d"},"host":"bench-01","sourcetype":"bench","time":1700000000.%03d}`, i, i%250+1, i)
	}
	h := &HEC{Config: DefaultHECConfig()}
	token := &store.IngestToken{HECToken: scalefield.HECToken{TenantID: "t"}}
	now := time.Now()
	b.SetBytes(int64(body.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, code := h.parseEvents(body.Bytes(), token, "", now); code != hecSuccess {
			b.Fatal(code)
		}
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFrameDecoder measures splitting a syslog TCP stream into
// messages, octet-counted and LF-framed.
func BenchmarkFrameDecoder(b *testing.B) {
	const n = 1000
	msg := "<134>1 2024-05-01T12:00:00.000Z fw-01 filterlog 4242 - - connection from 198.51.100.7 to 203.0.113.7 port 443 allowed"
	streams := map[string][]byte{}
	var octet, lf bytes.Buffer
	for range n {
		fmt.Fprintf(&octet, "%d %s", len(msg), msg)
		lf.WriteString(msg + "\n")
	}
	streams["octet"], streams["lf"] = octet.Bytes(), lf.Bytes()
	for _, name := range []string{"octet", "lf"} {
		b.Run(name, func(b *testing.B) {
			data := streams[name]
			r := bytes.NewReader(data)
			br := bufio.NewReaderSize(r, 64<<10)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r.Reset(data)
				br.Reset(r)
				dec := NewFrameDecoder(br, 64<<10)
				count := 0
				for {
					_, err := dec.Next()
					if err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
					count++
				}
				if count != n {
					b.Fatalf("%d messages, want %d", count, n)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
