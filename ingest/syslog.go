package ingest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
)

// TenantResolver finds the tenant of a listener; *store.TenantService
// implements it.
type TenantResolver interface {
	// ResolveIngestTenant returns the tenant with the slug or, when slug is
	// empty, the ID. ENOTFOUND.
	ResolveIngestTenant(ctx context.Context, slug, id string) (*scalefield.Tenant, error)
}

// Enqueuer takes batches of stream messages to commit; *Committer
// implements it.
type Enqueuer interface {
	// Enqueue waits for room in the queue (backpressure) and queues req.
	Enqueue(ctx context.Context, req *store.IngestRequest) error
	// TryEnqueue queues req, or returns ErrBusy when the queue is full.
	TryEnqueue(req *store.IngestRequest) error
}

// Batches of stream messages handed to the committer at once.
const (
	batchMessages = 512
	batchBytes    = 1 << 20
	// udpFlushDelay bounds how long a UDP message waits for others to share
	// its batch.
	udpFlushDelay = 10 * time.Millisecond
	// stopTimeout bounds how long Stop waits for messages already read to
	// find room in the commit queue.
	stopTimeout = 30 * time.Second
	// drainQuiet ends the drain of a connection or socket at stop once no
	// data has come for this long.
	drainQuiet = 100 * time.Millisecond
)

// Syslog runs the syslog listeners: UDP (RFC 5426), TCP (RFC 6587) and TLS
// (RFC 5425). Every message goes to Bronze as raw bytes (kind "syslog");
// the refine stage parses it. TCP and TLS stop reading while the commit
// queue is full, so senders are slowed by TCP flow control; UDP drops and
// counts (scalefield_ingest_udp_dropped_total).
type Syslog struct {
	Config    SyslogConfig
	Committer Enqueuer
	Tenants   TenantResolver
	Log       *slog.Logger
	Now       scalefield.Clock

	listeners []*syslogListener
	stopping  atomic.Bool
	stopAt    atomic.Int64 // unix nanoseconds
	stopOnce  sync.Once
	stopped   chan struct{} // closed when stopping begins
	// enqueueCtx ends when Stop gives up waiting for room in the queue.
	enqueueCtx    context.Context
	cancelEnqueue context.CancelFunc
	wg            sync.WaitGroup
}

type syslogListener struct {
	s      *Syslog
	cfg    SyslogListenerConfig
	kind   string
	tenant string
	ln     net.Listener   // tcp, tls
	pc     net.PacketConn // udp
	open   atomic.Int64
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
}

// Start validates the configuration, resolves each listener's tenant,
// binds every listener and starts serving. If any cannot bind, none stays
// open. When ctx ends the listeners stop as with Stop (call Stop as well to
// wait for them).
func (s *Syslog) Start(ctx context.Context) error {
	if err := s.Config.Validate(); err != nil {
		return fmt.Errorf("syslog: %w", err)
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	s.enqueueCtx, s.cancelEnqueue = context.WithCancel(context.WithoutCancel(ctx))
	s.stopped = make(chan struct{})
	for _, cfg := range s.Config.Listeners {
		l, err := s.listen(ctx, cfg)
		if err != nil {
			s.closeAll()
			s.cancelEnqueue()
			return err
		}
		s.listeners = append(s.listeners, l)
	}
	for _, l := range s.listeners {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if l.pc != nil {
				l.serveUDP()
			} else {
				l.acceptLoop()
			}
		}()
		s.Log.Info("syslog listening", "protocol", l.cfg.Protocol, "addr", l.addr().String(), "source", l.cfg.Source, "tenant_id", l.tenant)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-ctx.Done():
			s.beginStop()
		case <-s.stopped:
		}
	}()
	return nil
}

func (s *Syslog) listen(ctx context.Context, cfg SyslogListenerConfig) (*syslogListener, error) {
	tenant, err := s.Tenants.ResolveIngestTenant(ctx, cfg.TenantSlug, cfg.TenantID)
	if err != nil {
		return nil, fmt.Errorf("syslog listener %s %s: tenant %s%s: %w", cfg.Protocol, cfg.Listen, cfg.TenantSlug, cfg.TenantID, err)
	}
	l := &syslogListener{s: s, cfg: cfg, tenant: tenant.ID, conns: map[net.Conn]struct{}{}}
	var lc net.ListenConfig
	switch cfg.Protocol {
	case ProtocolUDP:
		l.kind = store.IngestKindSyslogUDP
		l.pc, err = lc.ListenPacket(ctx, "udp", cfg.Listen)
	case ProtocolTCP:
		l.kind = store.IngestKindSyslogTCP
		l.ln, err = lc.Listen(ctx, "tcp", cfg.Listen)
	case ProtocolTLS:
		l.kind = store.IngestKindSyslogTLS
		var tcfg *tls.Config
		if tcfg, err = cfg.tlsConfig(); err == nil {
			if l.ln, err = lc.Listen(ctx, "tcp", cfg.Listen); err == nil {
				l.ln = tls.NewListener(l.ln, tcfg)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("syslog listener %s %s: %w", cfg.Protocol, cfg.Listen, err)
	}
	return l, nil
}

// Addrs returns the bound address of each listener, in configuration order.
func (s *Syslog) Addrs() []net.Addr {
	addrs := make([]net.Addr, len(s.listeners))
	for i, l := range s.listeners {
		addrs[i] = l.addr()
	}
	return addrs
}

func (l *syslogListener) addr() net.Addr {
	if l.pc != nil {
		return l.pc.LocalAddr()
	}
	return l.ln.Addr()
}

// Stop stops accepting connections, keeps reading what senders have already
// sent until they fall quiet (for up to StopGrace), queues every message read for commit, and
// returns when every listener and connection is closed. Stop the Committer
// after it, so the messages are committed.
func (s *Syslog) Stop() {
	if s.enqueueCtx == nil {
		return
	}
	s.beginStop()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	timer := time.NewTimer(time.Duration(s.Config.StopGrace) + stopTimeout)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		s.Log.Warn("syslog: commit queue still full at stop; dropping what is left")
		s.cancelEnqueue()
		<-done
	}
	s.cancelEnqueue()
	s.closeAll()
}

func (s *Syslog) beginStop() {
	s.stopOnce.Do(func() {
		s.stopAt.Store(time.Now().Add(time.Duration(s.Config.StopGrace)).UnixNano())
		s.stopping.Store(true)
		close(s.stopped)
		at, _ := s.deadline(0)
		for _, l := range s.listeners {
			if l.ln != nil {
				_ = l.ln.Close()
			} else {
				_ = l.pc.SetReadDeadline(at)
			}
			l.mu.Lock()
			for c := range l.conns {
				_ = c.SetReadDeadline(at)
			}
			l.mu.Unlock()
		}
	})
}

func (s *Syslog) closeAll() {
	for _, l := range s.listeners {
		if l.ln != nil {
			_ = l.ln.Close()
		}
		if l.pc != nil {
			_ = l.pc.Close()
		}
	}
}

// deadline is when a read may wait until: the idle timeout from now or,
// once stopping, drainQuiet from now but no later than the stop deadline,
// so draining ends as soon as senders fall quiet. Deadlines are wall-clock
// time, whatever Now is.
func (s *Syslog) deadline(idle time.Duration) (time.Time, bool) {
	now := time.Now()
	if !s.stopping.Load() {
		return now.Add(idle), false
	}
	at := now.Add(drainQuiet)
	if stopAt := time.Unix(0, s.stopAt.Load()); stopAt.Before(at) {
		at = stopAt
	}
	return at, true
}

// batch gathers messages of one connection or socket into one request.
type batch struct {
	l     *syslogListener
	req   *store.IngestRequest
	arena []byte
	start time.Time // wall-clock time of the first message
}

func (l *syslogListener) newBatch() *batch {
	return &batch{l: l, arena: make([]byte, 0, 64<<10), req: &store.IngestRequest{
		TenantID: l.tenant, Kind: l.kind, Source: l.cfg.Source, AckID: -1,
		Records: make([]scalefield.BronzeRecord, 0, 64),
	}}
}

// add copies msg into the batch as a record from host.
func (b *batch) add(msg []byte, host string, now time.Time) {
	if len(b.req.Records) == 0 {
		b.start = time.Now()
	}
	if len(b.arena)+len(msg) > cap(b.arena) {
		b.arena = make([]byte, 0, max(64<<10, len(msg)))
	}
	off := len(b.arena)
	b.arena = append(b.arena, msg...)
	b.req.Records = append(b.req.Records, scalefield.BronzeRecord{
		TenantID: b.l.tenant, ReceivedAt: now, Kind: "syslog", Source: b.l.cfg.Source,
		Sourcetype: b.l.cfg.Sourcetype, Host: host, Payload: b.arena[off:len(b.arena):len(b.arena)],
	})
	b.req.Bytes += int64(len(msg))
	ingestEvents.WithLabelValues(b.l.kind, b.l.cfg.Source, outcomeReceived).Inc()
	ingestBytes.WithLabelValues(b.l.kind, b.l.cfg.Source).Add(float64(len(msg)))
}

func (b *batch) full() bool {
	return len(b.req.Records) >= batchMessages || b.req.Bytes >= batchBytes
}

// flush hands the batch to the committer, waiting for room when wait is
// set and dropping it when the queue is full otherwise, and starts a new
// batch. It reports false when the batch could not be queued.
func (b *batch) flush(wait bool) bool {
	if len(b.req.Records) == 0 {
		return true
	}
	req, n := b.req, len(b.req.Records)
	*b = *b.l.newBatch()
	var err error
	if wait {
		err = b.l.s.Committer.Enqueue(b.l.s.enqueueCtx, req)
	} else {
		err = b.l.s.Committer.TryEnqueue(req)
	}
	if err == nil {
		return true
	}
	outcome := outcomeRejected
	if errors.Is(err, ErrBusy) {
		outcome = outcomeDropped
		ingestUDPDropped.WithLabelValues(b.l.cfg.Source).Add(float64(n))
	} else {
		b.l.s.Log.Error("syslog: messages lost", "protocol", b.l.cfg.Protocol, "source", b.l.cfg.Source, "messages", n, "error", err)
	}
	ingestEvents.WithLabelValues(b.l.kind, b.l.cfg.Source, outcome).Add(float64(n))
	return false
}
