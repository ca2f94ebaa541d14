package ingest

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"time"
)

// acceptLoop accepts TCP/TLS connections until the listener is closed.
func (l *syslogListener) acceptLoop() {
	backoff := 5 * time.Millisecond
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || l.s.stopping.Load() {
				return
			}
			// Out of file descriptors or the like: wait and try again.
			l.s.Log.Warn("syslog: accept failed", "addr", l.ln.Addr().String(), "error", err)
			time.Sleep(backoff)
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		if l.open.Load() >= int64(l.cfg.MaxConnections) {
			ingestConnectionsRefused.WithLabelValues(l.kind, l.cfg.Source).Inc()
			_ = conn.Close()
			continue
		}
		if !l.track(conn) {
			_ = conn.Close()
			return
		}
		l.s.wg.Add(1)
		go func() {
			defer l.s.wg.Done()
			defer l.untrack(conn)
			l.serveConn(conn)
		}()
	}
}

// track registers an open connection; false once stopping.
func (l *syslogListener) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.s.stopping.Load() {
		return false
	}
	l.conns[c] = struct{}{}
	l.open.Add(1)
	ingestConnections.WithLabelValues(l.kind, l.cfg.Source).Inc()
	return true
}

func (l *syslogListener) untrack(c net.Conn) {
	_ = c.Close()
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
	l.open.Add(-1)
	ingestConnections.WithLabelValues(l.kind, l.cfg.Source).Dec()
}

// deadlineReader sets the connection's read deadline before every read:
// the idle timeout, or the stop deadline once stopping.
type deadlineReader struct {
	l    *syslogListener
	conn net.Conn
}

func (r deadlineReader) Read(p []byte) (int, error) {
	at, stopping := r.l.s.deadline(time.Duration(r.l.cfg.IdleTimeout))
	_ = r.conn.SetReadDeadline(at)
	if !stopping && r.l.s.stopping.Load() {
		// Stop set its deadline between our check and our set: put it back.
		at, _ = r.l.s.deadline(0)
		_ = r.conn.SetReadDeadline(at)
	}
	return r.conn.Read(p)
}

// serveConn reads frames until the connection ends, idles out, breaks
// framing, or the stop deadline passes, handing batches to the committer.
// While the queue is full it does not read, so TCP pushes back on the
// sender.
func (l *syslogListener) serveConn(conn net.Conn) {
	log := l.s.Log.With("protocol", l.cfg.Protocol, "source", l.cfg.Source, "remote", conn.RemoteAddr().String())
	if tc, ok := conn.(*tls.Conn); ok {
		at, _ := l.s.deadline(time.Duration(l.cfg.IdleTimeout))
		_ = tc.SetDeadline(at)
		if err := tc.Handshake(); err != nil {
			log.Debug("syslog: TLS handshake failed", "error", err)
			return
		}
		_ = tc.SetWriteDeadline(time.Time{})
	}
	host := remoteHost(conn.RemoteAddr())
	br := bufio.NewReaderSize(deadlineReader{l: l, conn: conn}, 64<<10)
	dec := NewFrameDecoder(br, l.cfg.MaxMessageBytes)
	b := l.newBatch()
	defer b.flush(true)
	for {
		if br.Buffered() == 0 && !b.flush(true) {
			return
		}
		msg, err := dec.Next()
		switch {
		case err == nil:
			b.add(msg, host, l.s.Now().UTC())
			if b.full() && !b.flush(true) {
				return
			}
		case errors.Is(err, ErrMessageTooLarge):
			ingestEvents.WithLabelValues(l.kind, l.cfg.Source, outcomeRejected).Inc()
			log.Debug("syslog: message above max_message_bytes skipped", "max_message_bytes", l.cfg.MaxMessageBytes)
		case errors.Is(err, io.EOF):
			return
		case errors.Is(err, os.ErrDeadlineExceeded):
			if !l.s.stopping.Load() {
				log.Debug("syslog: idle connection closed", "idle_timeout", time.Duration(l.cfg.IdleTimeout))
			}
			return
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
			return
		default:
			log.Warn("syslog: connection closed", "error", err)
			return
		}
	}
}

// remoteHost is the IP address of a peer, the host of its Bronze records.
func remoteHost(a net.Addr) string {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.AddrPort().Addr().Unmap().String()
	case *net.UDPAddr:
		return a.AddrPort().Addr().Unmap().String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}
