package agent

import (
	"bufio"
	"context"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/scalefield/scalefield"
)

// databaseRefresh is how long a database's version is cached between
// heartbeats.
const databaseRefresh = 10 * time.Minute

// heartbeats sends one heartbeat at once and then one per interval: the
// configured override, else what the engine asked for.
func (a *Agent) heartbeats(ctx context.Context, c *client) {
	interval := a.cfg.Engine.HeartbeatInterval
	if interval == 0 {
		interval = DefaultHeartbeatInterval
	}
	inv := &inventory{}
	failing := false
	for {
		resp, err := c.heartbeat(ctx, a.heartbeat(ctx, inv))
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			if !failing {
				a.log.WarnContext(ctx, "heartbeat failed", "error", err)
			}
			failing = true
		default:
			if failing {
				a.log.InfoContext(ctx, "heartbeat delivered again")
			}
			failing = false
			if a.cfg.Engine.HeartbeatInterval == 0 && resp.HeartbeatIntervalSeconds > 0 {
				interval = time.Duration(resp.HeartbeatIntervalSeconds) * time.Second
			}
		}
		if !sleep(ctx, interval) {
			return
		}
	}
}

// heartbeat builds the body of one heartbeat.
func (a *Agent) heartbeat(ctx context.Context, inv *inventory) Heartbeat {
	st := a.spool.Stats()
	hb := Heartbeat{
		Version:    scalefield.Version,
		Hostname:   a.hostname,
		IPs:        hostIPs(),
		OS:         osName(),
		Location:   a.cfg.Location,
		Spool:      SpoolStats{Files: st.Items, Bytes: st.Bytes},
		Collectors: a.Statuses(),
	}
	for _, s := range a.sources {
		if db, ok := inv.database(ctx, s, a.now()); ok {
			hb.Databases = append(hb.Databases, db)
		}
	}
	return hb
}

// hostIPs returns the host's addresses other than loopback.
func hostIPs() []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsUnspecified() {
			continue
		}
		out = append(out, ipn.IP.String())
	}
	return out
}

// osName is "GOOS/GOARCH" followed by /etc/os-release's PRETTY_NAME.
func osName() string {
	name := runtime.GOOS + "/" + runtime.GOARCH
	if pretty := osPrettyName("/etc/os-release"); pretty != "" {
		name += " " + pretty
	}
	return name
}

func osPrettyName(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "PRETTY_NAME="); ok {
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}

// inventory caches what the databases report about themselves.
type inventory struct {
	mu    sync.Mutex
	cache map[string]cachedDB
}

type cachedDB struct {
	db  Database
	at  time.Time
	err bool
}

// database describes the database a collector reads. PostgreSQL
// collectors with a connection string ask the server (SHOW server_version,
// current_database()); others report what is configured.
func (inv *inventory) database(ctx context.Context, s *source, now time.Time) (Database, bool) {
	cc := s.cfg
	db := Database{Engine: s.engine(), Version: cc.Version, Name: cc.Database, Host: cc.Host, Port: cc.Port}
	if db.Host == "" {
		db.Host = s.host
	}
	if cc.ConnString == "" {
		return db, db.Engine != ""
	}
	pc, err := pgconn.ParseConfig(cc.ConnString)
	if err != nil {
		return db, true
	}
	if cc.Host == "" {
		db.Host = pc.Host
	}
	if cc.Port == 0 {
		db.Port = int(pc.Port)
	}
	if db.Name == "" {
		db.Name = pc.Database
	}
	inv.mu.Lock()
	c, ok := inv.cache[cc.Name]
	inv.mu.Unlock()
	if ok && now.Sub(c.at) < databaseRefresh && !c.err {
		return c.db, true
	}
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	failed := true
	if conn, err := pgx.Connect(qctx, cc.ConnString); err == nil {
		var version, name string
		if err := conn.QueryRow(qctx, "SELECT current_setting('server_version'), current_database()").Scan(&version, &name); err == nil {
			db.Version, db.Name, failed = version, name, false
		}
		conn.Close(context.Background())
	}
	inv.mu.Lock()
	if inv.cache == nil {
		inv.cache = map[string]cachedDB{}
	}
	inv.cache[cc.Name] = cachedDB{db: db, at: now, err: failed}
	inv.mu.Unlock()
	return db, true
}
