package rbac

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	rediswatcher "github.com/casbin/redis-watcher/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	scalefield "github.com/scalefield/scalefield"
)

// Compile-time check that Enforcer implements the domain interface.
var _ scalefield.Authorizer = (*Enforcer)(nil)

// Config configures an Enforcer. DefaultConfig gives the defaults.
type Config struct {
	// Channel is the Redis channel on which replicas announce that the
	// policy changed.
	Channel string
	// ReloadInterval is how often every replica reloads the policy even
	// without an announcement: the backstop for a message lost while Redis
	// was unreachable, and for API keys that expire.
	ReloadInterval time.Duration
	// LoadTimeout bounds one reload.
	LoadTimeout time.Duration
}

// DefaultConfig returns the default configuration.
func DefaultConfig() Config {
	return Config{Channel: "scalefield:casbin", ReloadInterval: time.Minute, LoadTimeout: 30 * time.Second}
}

// Validate reports a bad configuration.
func (c Config) Validate() error {
	switch {
	case c.Channel == "":
		return errors.New("rbac: channel must be set")
	case c.ReloadInterval <= 0:
		return fmt.Errorf("rbac: reload interval must be positive, got %s", c.ReloadInterval)
	case c.LoadTimeout <= 0:
		return fmt.Errorf("rbac: load timeout must be positive, got %s", c.LoadTimeout)
	}
	return nil
}

// Enforcer decides permissions with a Casbin SyncedEnforcer whose policy
// it keeps current on every replica. It implements scalefield.Authorizer.
//
// Whoever changes a membership or an API key calls Invalidate after the
// change commits: this replica reloads at once, and the others reload when
// the announcement reaches them through Redis (casbin redis-watcher).
// Between Start and Stop, each replica also reloads every ReloadInterval.
type Enforcer struct {
	cfg     Config
	log     *slog.Logger
	rdb     *redis.Client
	adapter *Adapter
	casbin  *casbin.SyncedEnforcer
	// id names this replica in its announcements, so it ignores its own.
	id string

	reloadMu sync.Mutex // one reload at a time
	notify   chan struct{}

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
	sub    *redis.Client // the watcher's subscription client
}

// New writes the grants of this build to casbin_rules (SyncPolicy), loads
// the policy and returns an Enforcer that is not yet watching for changes:
// call Start. pool must be the privileged pool (see Adapter); rdb is the
// Redis client announcements go through. When the grants changed, the other
// replicas are told to reload.
func New(ctx context.Context, cfg Config, pool *pgxpool.Pool, rdb *redis.Client, log *slog.Logger) (*Enforcer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	changed, err := SyncPolicy(ctx, pool)
	if err != nil {
		return nil, err
	}
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("rbac model: %w", err)
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	e := &Enforcer{
		cfg:     cfg,
		log:     log.With("component", "rbac"),
		rdb:     rdb,
		adapter: NewAdapter(pool),
		id:      hex.EncodeToString(id[:]),
		notify:  make(chan struct{}, 1),
	}
	e.adapter.Timeout = cfg.LoadTimeout
	loadCtx, cancel := context.WithTimeout(ctx, cfg.LoadTimeout)
	defer cancel()
	restore := e.adapter.withContext(loadCtx)
	e.casbin, err = casbin.NewSyncedEnforcer(m, e.adapter) // loads the policy
	restore()
	if err != nil {
		return nil, fmt.Errorf("load policy: %w", err)
	}
	if changed {
		e.log.Info("grants updated", "rules", len(PolicyRules()))
		if err := e.publish(ctx); err != nil {
			e.log.Warn("announce grants update", "err", err)
		}
	}
	return e, nil
}

// Authorize returns nil when the session in ctx holds perm in its tenant.
// EUNAUTHORIZED without a session; EFORBIDDEN when the role does not grant
// perm, when the session is limited to MFA enrolment (or any scope but
// full), or when it names no tenant; an internal error if Casbin fails.
func (e *Enforcer) Authorize(ctx context.Context, perm scalefield.Permission) error {
	s := scalefield.SessionFromContext(ctx)
	if s == nil {
		return scalefield.Errorf(scalefield.EUNAUTHORIZED, "sign in required")
	}
	if s.Scope != scalefield.ScopeFull && s.Scope != "" {
		return scalefield.Errorf(scalefield.EFORBIDDEN, "enrol an authenticator first")
	}
	if s.TenantID == "" {
		return scalefield.Errorf(scalefield.EFORBIDDEN, "no tenant chosen")
	}
	ok, err := e.Enforce(s.Subject(), s.TenantID, perm)
	if err != nil {
		return err
	}
	if !ok {
		return scalefield.Errorf(scalefield.EFORBIDDEN, "permission %s required", perm)
	}
	return nil
}

// Enforce reports whether subject ("user:<id>" or "apikey:<id>") holds perm
// in tenantID, by the policy last loaded. It is for checks about a subject
// other than the caller's session; Authorize is for requests.
func (e *Enforcer) Enforce(subject, tenantID string, perm scalefield.Permission) (bool, error) {
	ok, err := e.casbin.Enforce(subject, tenantID, perm.Resource(), perm.Action())
	if err != nil {
		return false, fmt.Errorf("enforce %s for %s: %w", perm, subject, err)
	}
	return ok, nil
}

// Reload loads the policy from PostgreSQL into this replica now. Enforce
// keeps answering from the previous policy until the new one is ready.
func (e *Enforcer) Reload(ctx context.Context) error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, e.cfg.LoadTimeout)
	defer cancel()
	restore := e.adapter.withContext(ctx)
	defer restore()
	start := time.Now()
	if err := e.casbin.LoadPolicy(); err != nil {
		return fmt.Errorf("reload policy: %w", err)
	}
	e.log.Debug("policy reloaded", "duration", time.Since(start))
	return nil
}

// Invalidate reloads the policy on this replica and announces the change
// to the others, which reload when the message reaches them. Call it after
// committing a change to memberships or API keys. It returns the errors of
// both steps; the announcement is made even when the local reload fails.
func (e *Enforcer) Invalidate(ctx context.Context) error {
	reloadErr := e.Reload(ctx)
	return errors.Join(reloadErr, e.publish(ctx))
}

// publish announces a policy change in the message format of casbin
// redis-watcher, so the watchers of the other replicas accept it.
func (e *Enforcer) publish(ctx context.Context) error {
	msg := &rediswatcher.MSG{Method: rediswatcher.Update, ID: e.id}
	if err := e.rdb.Publish(ctx, e.cfg.Channel, msg).Err(); err != nil {
		return fmt.Errorf("announce policy change: %w", err)
	}
	return nil
}

// Start subscribes to the announcements of the other replicas and starts
// the periodic reload. It returns an error if Redis does not answer or the
// enforcer is already started. Stop ends both.
func (e *Enforcer) Start(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cancel != nil {
		return errors.New("rbac: enforcer already started")
	}
	// The watcher closes its clients when it stops: give it its own.
	subOpts, pubOpts := *e.rdb.Options(), *e.rdb.Options()
	sub, pub := redis.NewClient(&subOpts), redis.NewClient(&pubOpts)
	_, err := rediswatcher.NewWatcher(subOpts.Addr, rediswatcher.WatcherOptions{
		SubClient:              sub,
		PubClient:              pub,
		Channel:                e.cfg.Channel,
		IgnoreSelf:             true,
		LocalID:                e.id,
		OptionalUpdateCallback: e.onMessage,
	})
	if err != nil {
		_, _ = sub.Close(), pub.Close()
		return fmt.Errorf("rbac: watch %s: %w", e.cfg.Channel, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	e.cancel, e.done, e.sub = cancel, make(chan struct{}), sub
	go e.run(ctx, e.done)
	e.log.Info("watching policy changes", "channel", e.cfg.Channel, "reload_interval", e.cfg.ReloadInterval)
	return nil
}

// Stop ends what Start started and waits for the reload loop to return.
//
// It ends the watcher's subscription by closing its client rather than
// with Watcher.Close, which would publish a "Close" message that the
// watchers of every other replica fail to parse and print.
func (e *Enforcer) Stop() {
	e.mu.Lock()
	cancel, done, sub := e.cancel, e.done, e.sub
	e.cancel, e.done, e.sub = nil, nil, nil
	e.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
	_ = sub.Close()
}

// onMessage is the watcher's callback: it only wakes the reload loop, so a
// burst of announcements costs one reload, and the watcher is never held
// up by the database.
func (e *Enforcer) onMessage(string) {
	select {
	case e.notify <- struct{}{}:
	default:
	}
}

func (e *Enforcer) run(ctx context.Context, done chan struct{}) {
	defer close(done)
	ticker := time.NewTicker(e.cfg.ReloadInterval)
	defer ticker.Stop()
	for {
		var reason string
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			reason = "periodic"
		case <-e.notify:
			reason = "announced"
		}
		if err := e.Reload(ctx); err != nil && !errors.Is(err, context.Canceled) {
			e.log.Error("reload policy", "reason", reason, "err", err)
		}
	}
}
