package graph

import (
	"encoding/hex"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

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
	return &model.User{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, CreatedAt: u.CreatedAt,
		Role: toModelRole(role)}
}

func toModelTenant(t *scalefield.Tenant) *model.Tenant {
	return &model.Tenant{ID: t.ID, Slug: t.Slug, Name: t.Name, CreatedAt: t.CreatedAt}
}

func toModelEvent(e *scalefield.SecurityEvent) *model.SecurityEvent {
	m := &model.SecurityEvent{
		ID:         eventID(e),
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
	fillSilverFields(m, e)
	return m
}

// payloadText shows raw bytes as text, marking invalid UTF-8.
func payloadText(b []byte) string {
	payload := string(b)
	if !utf8.ValidString(payload) {
		payload = strings.ToValidUTF8(payload, "\uFFFD")
	}
	return payload
}

func toModelBronze(e *scalefield.BronzeEvent) *model.BronzeEvent {
	payload := payloadText(e.Payload)
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
	out.ClassUID = f.ClassUID
	out.IP, out.SrcIP, out.DstIP, out.User, out.Country = f.IP, f.SrcIP, f.DstIP, f.User, f.Country
	out.ThreatMatched, out.MaxQuality = f.ThreatMatched, f.MaxQuality
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

func fromModelRole(r model.Role) scalefield.Role { return scalefield.Role(fromModelEnum(string(r))) }

func toModelMember(m *scalefield.Member) *model.User {
	u := toModelUser(m.User, m.Role)
	u.MfaEnabled = m.MFAEnabled
	return u
}

func toModelHECToken(t *scalefield.HECToken) *model.HecToken {
	return &model.HecToken{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Source: optional(t.Source),
		Sourcetype: optional(t.Sourcetype), CreatedAt: t.CreatedAt, RevokedAt: t.RevokedAt}
}

func toModelSession(res *scalefield.LoginResult) *model.Session {
	scope := model.SessionScopeFull
	if res.Scope == scalefield.ScopeMFAEnrollment {
		scope = model.SessionScopeMfaEnrollment
	}
	return &model.Session{
		Token: res.Token, ExpiresAt: res.ExpiresAt,
		RefreshToken: res.RefreshToken, RefreshExpiresAt: res.RefreshExpiresAt,
		Scope: scope, User: toModelUser(res.User, res.Role), Tenant: toModelTenant(res.Tenant),
	}
}

func toModelAPIKey(k *scalefield.APIKey) *model.APIKey {
	return &model.APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Role: toModelRole(k.Role), CreatedAt: k.CreatedAt,
		ExpiresAt: k.ExpiresAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
}

func toModelRole(r scalefield.Role) model.Role { return model.Role(toModelEnum(string(r))) }

func toModelSSOSettings(s *scalefield.SSOSettings, redirectURL string) *model.SsoSettings {
	out := &model.SsoSettings{
		Enabled: s.Enabled, Issuer: s.IssuerURL, ClientID: s.ClientID, ClientSecretSet: s.ClientSecretSet,
		AllowedDomains: s.AllowedDomains, GroupsClaim: s.GroupsClaim, RedirectURL: redirectURL,
		RoleMappings: []*model.SsoRoleMapping{},
	}
	if out.AllowedDomains == nil {
		out.AllowedDomains = []string{}
	}
	if !s.UpdatedAt.IsZero() {
		out.UpdatedAt = &s.UpdatedAt
	}
	if s.DefaultRole != "" {
		r := toModelRole(s.DefaultRole)
		out.DefaultRole = &r
	}
	groups := make([]string, 0, len(s.GroupRoles))
	for g := range s.GroupRoles {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		out.RoleMappings = append(out.RoleMappings, &model.SsoRoleMapping{Group: g, Role: toModelRole(s.GroupRoles[g])})
	}
	return out
}

func toModelAuditEntry(e *scalefield.AuditEntry) *model.AuditEntry {
	details, err := json.Marshal(e.Details)
	if err != nil || e.Details == nil {
		details = []byte("{}")
	}
	return &model.AuditEntry{
		ID: formatID(e.ID), At: e.At, ActorType: e.ActorType, ActorID: optional(e.ActorID),
		ActorLabel: optional(e.ActorLabel), IP: optional(e.IP), Action: e.Action,
		TargetType: optional(e.TargetType), TargetID: optional(e.TargetID), Details: string(details),
		Hash: hex.EncodeToString(e.Hash),
	}
}
