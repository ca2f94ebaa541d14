package store

import (
	"context"
	"maps"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// appendTargetAudit completes e (when not nil) with the target of a change
// and appends it inside the change's transaction, so both commit together.
func appendTargetAudit(ctx context.Context, tx pgx.Tx, e *scalefield.AuditEntry, targetType, targetID string, details map[string]any) error {
	if e == nil {
		return nil
	}
	e.TargetType, e.TargetID = targetType, targetID
	if len(details) > 0 {
		merged := maps.Clone(e.Details)
		if merged == nil {
			merged = map[string]any{}
		}
		maps.Copy(merged, details)
		e.Details = merged
	}
	return AppendAuditTx(ctx, tx, e)
}
