package ingest

import (
	"net/http"
	"strings"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
)

// Request headers and query parameters of the HEC protocol.
const (
	// HeaderChannel names the client's channel (a GUID); acks are per channel.
	HeaderChannel = "X-Splunk-Request-Channel"
	// HeaderRequestID is the client's id for a request: a resent request with
	// the same channel and id is not stored twice within the dedup window.
	HeaderRequestID = "X-Splunk-Request-Id"
)

// authenticate finds the token of the request, from "Authorization: Splunk
// <token>", HTTP basic auth (the password is the token) or, when
// AllowQueryToken, ?token=. It replies itself and returns nil when that
// fails: 401 code 2 (no token), 401 code 3 (malformed Authorization), 400
// code 16 (query token not enabled), 403 code 4 (unknown token), 403 code 1
// (revoked token), 500 code 8.
func (h *HEC) authenticate(w http.ResponseWriter, r *http.Request, channel string) *store.IngestToken {
	secret, code := requestToken(r, h.Config.AllowQueryToken)
	if code != hecSuccess {
		h.writeHEC(w, channel, code, nil, nil)
		return nil
	}
	token, err := h.Tokens.AuthenticateIngestToken(r.Context(), secret)
	switch scalefield.ErrorCode(err) {
	case "":
		return token
	case scalefield.ENOTFOUND:
		h.writeHEC(w, channel, hecInvalidToken, nil, nil)
	case scalefield.EFORBIDDEN:
		h.writeHEC(w, channel, hecTokenDisabled, nil, nil)
	default:
		h.logError(r, "hec: token lookup failed", err)
		h.writeHEC(w, channel, hecInternalError, nil, nil)
	}
	return nil
}

// requestToken returns the token secret of a request, or the HEC code that
// refuses it.
func requestToken(r *http.Request, allowQuery bool) (string, int) {
	if header := r.Header.Get("Authorization"); header != "" {
		scheme, rest, _ := strings.Cut(header, " ")
		rest = strings.TrimSpace(rest)
		switch {
		case strings.EqualFold(scheme, "Splunk") && rest != "":
			return rest, hecSuccess
		case strings.EqualFold(scheme, "Basic"):
			if _, password, ok := r.BasicAuth(); ok && password != "" {
				return password, hecSuccess
			}
		}
		return "", hecInvalidAuth
	}
	if q := r.URL.Query().Get("token"); q != "" {
		if !allowQuery {
			return "", hecQueryTokenDisabled
		}
		return q, hecSuccess
	}
	return "", hecTokenRequired
}

// requestChannel returns the request's channel in lower case ("" for none)
// from the X-Splunk-Request-Channel header or the channel query parameter,
// and false when it is not a GUID.
func requestChannel(r *http.Request) (string, bool) {
	ch := r.Header.Get(HeaderChannel)
	if ch == "" {
		ch = r.URL.Query().Get("channel")
	}
	if ch == "" {
		return "", true
	}
	ch = strings.ToLower(strings.TrimSpace(ch))
	return ch, isGUID(ch)
}

// isGUID reports whether s is a GUID: 8-4-4-4-12 hexadecimal digits.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
