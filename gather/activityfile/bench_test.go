package activityfile_test

import (
	"bytes"
	"errors"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
)

// benchRows is large enough that zstd does not see the same rows twice in a
// row group.
const benchRows = 1 << 17

var benchSample []scalefield.DBActivity

func benchData() []scalefield.DBActivity {
	if benchSample == nil {
		benchSample = sampleRows(benchRows, 42)
	}
	return benchSample
}

// cpuSeconds returns the CPU time (user + system) the process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// reportRowsPerCore reports rows per CPU-second the process spent in the
// loop (garbage collection included), which is rows/s on one core and holds
// on a busy machine, and rows per wall-clock second.
func reportRowsPerCore(b *testing.B, rows int64, cpuStart float64) {
	if cpu := cpuSeconds() - cpuStart; cpu > 0 {
		b.ReportMetric(float64(rows)/cpu, "rows/s/core")
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(rows)/s, "rows/s")
	}
}

// BenchmarkWrite writes realistic pgaudit rows (statements of 50-400 bytes,
// raw lines of ~300 bytes) through the Writer into memory, sha256 included.
func BenchmarkWrite(b *testing.B) {
	rows := benchData()
	for _, level := range []struct {
		name  string
		level activityfile.CompressionLevel
	}{{"zstd-fastest", activityfile.CompressionFastest}, {"zstd-default", activityfile.CompressionDefault}} {
		b.Run(level.name, func(b *testing.B) {
			var buf bytes.Buffer
			var written int64
			var size int64
			b.ReportAllocs()
			cpu := cpuSeconds()
			for b.Loop() {
				buf.Reset()
				w, err := activityfile.NewWriter(&buf, activityfile.WriterConfig{
					Name: "bench.parquet", Source: "pgaudit:bench", Compression: level.level,
				})
				if err != nil {
					b.Fatal(err)
				}
				if err := w.WriteBatch(rows); err != nil {
					b.Fatal(err)
				}
				m, err := w.Close()
				if err != nil {
					b.Fatal(err)
				}
				written += m.Rows
				size = m.Bytes
			}
			reportRowsPerCore(b, written, cpu)
			b.ReportMetric(float64(size)/float64(len(rows)), "bytes/row")
			b.ReportMetric(float64(textBytes(rows))/float64(len(rows)), "input-bytes/row")
		})
	}
}

// BenchmarkRead reads a file of realistic rows back into DBActivity batches
// of 1024, as the import stage does before CopyFrom.
func BenchmarkRead(b *testing.B) {
	data, _ := MustWrite(b, benchData(), activityfile.WriterConfig{})
	batch := make([]scalefield.DBActivity, 1024)
	var read int64
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	cpu := cpuSeconds()
	for b.Loop() {
		r, err := activityfile.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		for {
			n, err := r.Next(batch)
			read += int64(n)
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		r.Close()
	}
	reportRowsPerCore(b, read, cpu)
}

// BenchmarkVerifyChecksum is the sha256 pass the import stage makes before
// reading.
func BenchmarkVerifyChecksum(b *testing.B) {
	data, m := MustWrite(b, benchData(), activityfile.WriterConfig{})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := activityfile.VerifyChecksum(bytes.NewReader(data), int64(len(data)), &m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// textBytes sums the string fields of rows: the input the compressor sees.
func textBytes(rows []scalefield.DBActivity) int {
	var n int
	for _, a := range rows {
		n += len(a.Engine) + len(a.Host) + len(a.Database) + len(a.User) + len(a.ClientAddr) +
			len(a.Application) + len(a.Session) + len(a.ActionClass) + len(a.Action) + len(a.Statement) +
			len(a.Object) + len(a.ObjectType) + len(a.Status) + len(a.Error) + len(a.Raw) + len(a.Source) + len(a.Position)
	}
	return n
}
