package ingest

import (
	"bytes"
	"errors"
	"net"
	"os"
	"time"
)

// serveUDP reads datagrams, one message each (RFC 5426), until the socket is
// closed or the stop deadline passes. Messages are batched for up to
// udpFlushDelay; a batch that finds the commit queue full is dropped and
// counted, since UDP cannot push back.
func (l *syslogListener) serveUDP() {
	pc := l.pc.(*net.UDPConn)
	buf := make([]byte, l.cfg.MaxMessageBytes+1)
	b := l.newBatch()
	defer b.flush(false)
	for {
		// With messages waiting, wake up in time to flush them; once
		// stopping, when senders fall quiet or the grace ends.
		stopping := l.s.stopping.Load()
		var at time.Time
		switch {
		case stopping:
			at, _ = l.s.deadline(0)
		case len(b.req.Records) > 0:
			at = b.start.Add(udpFlushDelay)
		}
		_ = pc.SetReadDeadline(at)
		if !stopping && l.s.stopping.Load() {
			continue // Stop set its deadline meanwhile: take it into account.
		}
		n, addr, err := pc.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				b.flush(false)
				if stopping {
					return
				}
				continue
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			l.s.Log.Warn("syslog: UDP read failed", "addr", pc.LocalAddr().String(), "error", err)
			continue
		}
		if n > l.cfg.MaxMessageBytes {
			ingestEvents.WithLabelValues(l.kind, l.cfg.Source, outcomeRejected).Inc()
			continue
		}
		msg := trimDatagram(buf[:n])
		if len(msg) == 0 {
			continue
		}
		b.add(msg, addr.Addr().Unmap().String(), l.s.Now().UTC())
		if b.full() {
			b.flush(false)
		}
	}
}

// trimDatagram removes the trailing LF, CRLF or NUL some senders append.
func trimDatagram(msg []byte) []byte {
	return bytes.TrimRight(msg, "\r\n\x00")
}
