package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// AuditExporter writes a tenant's audit log as a file.
type AuditExporter interface {
	// ExportAudit writes the caller's tenant's entries matching f in format
	// ("csv" or "json") and returns how many it wrote. EINVALID.
	ExportAudit(ctx context.Context, f scalefield.AuditFilter, w io.Writer, format string) (int, error)
}

// exportAudit answers GET /api/v1/audit/export?format=csv|json with
// optional action, actor, from and to (RFC 3339): the caller's tenant's
// audit log as a download. It needs audit:export, and is itself audited.
func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := s.Authorizer.Authorize(ctx, scalefield.PermAuditExport); err != nil {
		status := http.StatusForbidden
		if scalefield.ErrorCode(err) == scalefield.EUNAUTHORIZED {
			status = http.StatusUnauthorized
		}
		writeGraphQLError(w, status, err)
		return
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "csv"
	}
	var f scalefield.AuditFilter
	if v := q.Get("action"); v != "" {
		f.Action = &v
	}
	if v := q.Get("actor"); v != "" {
		f.ActorID = &v
	}
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeGraphQLError(w, http.StatusBadRequest, scalefield.Errorf(scalefield.EINVALID, "%s must be an RFC 3339 time", name))
				return
			}
			*dst = &t
		}
	}
	ext, contentType := "csv", "text/csv; charset=utf-8"
	if format == "json" {
		ext, contentType = "jsonl", "application/x-ndjson"
	} else if format != "csv" {
		writeGraphQLError(w, http.StatusBadRequest, scalefield.Errorf(scalefield.EINVALID, "format must be csv or json"))
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="audit-%s.%s"`, time.Now().UTC().Format("20060102T150405Z"), ext))
	n, err := s.AuditExport.ExportAudit(ctx, f, w, format)
	if err != nil {
		// Headers may be sent already; the log has the cause.
		s.Log.ErrorContext(ctx, "audit export failed", "error", err, "rows", n)
		return
	}
	e := scalefield.NewAuditEntry(ctx, scalefield.AuditExported, clientIP(r))
	e.TargetType, e.Details = "audit_log", map[string]any{"format": format, "rows": n}
	if err := s.Audit.AppendAudit(ctx, e); err != nil {
		s.Log.ErrorContext(ctx, "audit the audit export", "error", err)
	}
}
