package auth

import (
	"errors"
	"fmt"
	"testing"

	scalefield "github.com/scalefield/scalefield"
)

func TestSSOClaimHelpers(t *testing.T) {
	t.Parallel()
	st := &scalefield.SSOSettings{GroupRoles: map[string]scalefield.Role{
		"soc": scalefield.RoleAnalyst, "leads": scalefield.RoleManager, "root": scalefield.RolePlatformAdmin}}
	for _, tc := range []struct {
		groups []string
		def    scalefield.Role
		want   scalefield.Role
	}{
		{[]string{"soc"}, "", scalefield.RoleAnalyst},
		{[]string{"soc", "leads"}, "", scalefield.RoleManager},
		{[]string{"sales"}, "", ""},
		{[]string{"sales"}, scalefield.RoleViewer, scalefield.RoleViewer},
		{[]string{"root"}, "", ""}, // a stored platform-admin mapping is never honoured
		{nil, scalefield.RolePlatformAdmin, ""},
	} {
		st.DefaultRole = tc.def
		if got := mapRole(tc.groups, st); got != tc.want {
			t.Errorf("mapRole(%v, default %q) = %q, want %q", tc.groups, tc.def, got, tc.want)
		}
	}
	for v, want := range map[any]bool{true: true, false: false, "true": true, "TRUE": true, "false": false, 1.0: false} {
		if truthy(v) != want {
			t.Errorf("truthy(%#v) != %v", v, want)
		}
	}
	if got := fmt.Sprint(claimStrings([]any{"a", 1.0, "b"}), claimStrings("c"), claimStrings(nil)); got != "[a b] [c] []" {
		t.Errorf("claimStrings = %s", got)
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{ssoError("nonce", scalefield.EUNAUTHORIZED, "x"), "nonce"},
		{fmt.Errorf("wrapped: %w", ssoError("domain", scalefield.EFORBIDDEN, "x")), "domain"},
		{scalefield.Errorf(scalefield.ERATELIMIT, "slow down"), "rate_limit"},
		{errors.New("boom"), "internal"},
	} {
		if got := SSOErrorReason(tc.err); got != tc.want {
			t.Errorf("SSOErrorReason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	for raw, ok := range map[string]bool{
		"https://idp.example.com": true, "http://127.0.0.1:5556/dex": true, "http://localhost/x": true, "http://[::1]:80": true,
		"http://idp.example.com": false, "ftp://idp.example.com": false, "https://": false, "https://u:p@idp.example.com": false,
	} {
		if err := validateIssuerURL(raw); (err == nil) != ok {
			t.Errorf("validateIssuerURL(%q) = %v, want ok %v", raw, err, ok)
		}
	}
}
