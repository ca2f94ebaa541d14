package server

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/auth"
)

// SSOFlow is the browser half of per-tenant OpenID Connect sign-in.
// *auth.Service implements it.
type SSOFlow interface {
	// BeginSSOLogin returns the identity provider's authorization URL.
	BeginSSOLogin(ctx context.Context, tenantSlug, remoteAddr string) (string, error)
	// FinishSSOLogin checks the provider's answer and returns a one-time
	// login code for the SPA.
	FinishSSOLogin(ctx context.Context, tenantSlug, state, code, remoteAddr string) (string, error)
}

// OIDCHandlers serve the two redirects of single sign-on:
//
//	GET /auth/oidc/{tenant}/login     → the tenant's identity provider
//	GET /auth/oidc/{tenant}/callback  → /login/sso#code=<one-time code>
//
// Any failure redirects to /login?sso_error=<reason> (see auth.SSOError
// for the reasons), so the SPA explains it; nothing about the failure but
// that short reason reaches the browser.
//
// The state is also set in a short-lived HttpOnly cookie by the login
// redirect and must come back with the callback, so a callback URL made in
// one browser cannot sign another one in (login CSRF).
type OIDCHandlers struct {
	SSO SSOFlow
	Log *slog.Logger
}

// ssoStateCookie binds a sign-in's state to the browser that began it.
const ssoStateCookie = "scalefield_sso_state"

// Register adds the routes to mux.
func (h *OIDCHandlers) Register(mux *http.ServeMux) {
	mux.Handle("GET /auth/oidc/{tenant}/login", instrument("sso_login", http.HandlerFunc(h.Login)))
	mux.Handle("GET /auth/oidc/{tenant}/callback", instrument("sso_callback", http.HandlerFunc(h.Callback)))
}

// Login starts a sign-in at the identity provider of the tenant in the
// path.
func (h *OIDCHandlers) Login(w http.ResponseWriter, r *http.Request) {
	ctx := scalefield.NewContextWithRemoteAddr(r.Context(), clientIP(r))
	target, err := h.SSO.BeginSSOLogin(ctx, r.PathValue("tenant"), clientIP(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := url.Parse(target)
	if err != nil || u.Query().Get("state") == "" {
		h.fail(w, r, fmt.Errorf("sso login: authorization URL without state: %v", err))
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: ssoStateCookie, Value: u.Query().Get("state"), Path: "/auth/oidc/" + url.PathEscape(r.PathValue("tenant")) + "/",
		MaxAge: 600, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
	ssoRedirect(w, r, target)
}

// Callback finishes a sign-in: the identity provider sends the browser
// here with code and state (or error).
func (h *OIDCHandlers) Callback(w http.ResponseWriter, r *http.Request) {
	ctx := scalefield.NewContextWithRemoteAddr(r.Context(), clientIP(r))
	q := r.URL.Query()
	state := q.Get("state")
	http.SetCookie(w, &http.Cookie{Name: ssoStateCookie, Path: "/auth/oidc/" + url.PathEscape(r.PathValue("tenant")) + "/",
		MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	if c, err := r.Cookie(ssoStateCookie); err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
		h.fail(w, r, &auth.SSOError{Reason: "state", Err: scalefield.Errorf(scalefield.EUNAUTHORIZED,
			"this sign-in was started in another browser or expired: start again")})
		return
	}
	code := q.Get("code")
	if q.Get("error") != "" {
		// The provider refused (e.g. access_denied): the state is still
		// consumed, and the empty code makes it an idp_error.
		code = ""
	}
	loginCode, err := h.SSO.FinishSSOLogin(ctx, r.PathValue("tenant"), state, code, clientIP(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The code travels in the fragment: it never reaches a server log or a
	// Referer header.
	ssoRedirect(w, r, "/login/sso#code="+url.QueryEscape(loginCode))
}

func (h *OIDCHandlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	reason := auth.SSOErrorReason(err)
	log := h.Log
	if log == nil {
		log = slog.Default()
	}
	level := slog.LevelInfo
	if reason == "internal" {
		level = slog.LevelError
	}
	log.Log(r.Context(), level, "sso sign-in failed", "tenant", r.PathValue("tenant"), "reason", reason, "error", err)
	ssoRedirect(w, r, "/login?sso_error="+url.QueryEscape(reason))
}

// ssoRedirect sends a 302 that no cache keeps and no Referer carries on.
func ssoRedirect(w http.ResponseWriter, r *http.Request, target string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, target, http.StatusFound)
}
