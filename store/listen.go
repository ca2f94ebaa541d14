package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Listen LISTENs on a PostgreSQL notification channel and sends to wake
// (without blocking) each time a notification arrives. It reconnects after
// errors and returns when ctx ends.
func (db *DB) Listen(ctx context.Context, channel string, wake chan<- struct{}, log *slog.Logger) {
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, channel, wake)
		if err == nil || errors.Is(err, context.Canceled) || ctx.Err() != nil {
			return
		}
		log.Warn("listen failed; retrying", "channel", channel, "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (db *DB) listenOnce(ctx context.Context, channel string, wake chan<- struct{}) error {
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("listen: acquire: %w", err)
	}
	// The connection is closed rather than returned: it is still LISTENing.
	defer func() { _ = conn.Conn().Close(context.Background()); conn.Release() }()
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	for {
		if _, err := conn.Conn().WaitForNotification(ctx); err != nil {
			return fmt.Errorf("listen: wait: %w", err)
		}
		select {
		case wake <- struct{}{}:
		default:
		}
	}
}
