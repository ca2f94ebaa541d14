package graph

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"encoding/hex"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/graph/model"
)

// Conversions between domain types and GraphQL models. GraphQL enums are
// the upper-case forms of the domain's lower-case (and dashed) values.

func toModelEnum(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "_")) }

func fromModelEnum(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "-")) }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }

func toModelUser(u *scalefield.User, role scalefield.Role) *model.User {
	return &model.User{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Role: model.Role(toModelEnum(string(role)))}
}

func toModelTenant(t *scalefield.Tenant) *model.Tenant {
	return &model.Tenant{ID: t.ID, Slug: t.Slug, Name: t.Name, CreatedAt: t.CreatedAt}
}

func toModelEvent(e *scalefield.SecurityEvent) *model.SecurityEvent {
	return &model.SecurityEvent{
		ID:         formatID(e.ID),
		Time:       e.Time,
		ReceivedAt: e.ReceivedAt,
		Host:       optional(e.Host),
		Source:     optional(e.Source),
		Sourcetype: optional(e.Sourcetype),
		Severity:   model.Severity(toModelEnum(string(e.Severity))),
		Message:    e.Message,
		User:       optional(e.User),
		SrcIP:      optional(e.SrcIP),
		DstIP:      optional(e.DstIP),
		Action:     optional(e.Action),
		BronzeID:   formatID(e.BronzeID),
	}
}

func toModelBronze(e *scalefield.BronzeEvent) *model.BronzeEvent {
	payload := string(e.Payload)
	if !utf8.ValidString(payload) {
		payload = strings.ToValidUTF8(payload, "\uFFFD")
	}
	return &model.BronzeEvent{
		ID:          formatID(e.ID),
		ReceivedAt:  e.ReceivedAt,
		Kind:        e.Kind,
		Source:      optional(e.Source),
		Sourcetype:  optional(e.Sourcetype),
		Host:        optional(e.Host),
		Payload:     payload,
		ContentHash: hex.EncodeToString(e.ContentHash),
		Status:      model.BronzeStatus(toModelEnum(string(e.Status))),
		Error:       optional(e.Error),
	}
}

func fromModelFilter(f *model.EventFilter) scalefield.EventFilter {
	var out scalefield.EventFilter
	if f == nil {
		return out
	}
	for _, s := range f.Severity {
		out.Severity = append(out.Severity, scalefield.Severity(fromModelEnum(string(s))))
	}
	out.From, out.To, out.Host, out.Sourcetype, out.Search = f.From, f.To, f.Host, f.Sourcetype, f.Search
	return out
}

func pageInfo(cursors []string, hasNext, hasPrev bool) *model.PageInfo {
	p := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	if len(cursors) > 0 {
		p.StartCursor, p.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
	return p
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
