package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/goleak"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/auth"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

const password = "correct horse battery staple"

// tenantFixture is a tenant with an analyst and an HEC token.
type tenantFixture struct {
	Tenant *scalefield.Tenant
	Email  string
	Secret string
	Token  string // access token after login
}

type bundle struct {
	main *Main
	gql  *client.Client
	a, b *tenantFixture
}

// setup runs a whole engine (migrations, pipeline, HTTP server) on a fresh
// database and the test Redis, with two tenants.
func setup(t testing.TB) *bundle {
	t.Helper()
	return setupWith(t, func(*Config) {})
}

// setupWith is setup with a change to the configuration.
func setupWith(t testing.TB, configure func(*Config)) *bundle {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DatabaseURL = storetest.NewDatabase(t)
	cfg.RedisURL = storetest.RedisURL(t)
	cfg.WebDir = ""
	keys := t.TempDir()
	cfg.JWTKeyFile = filepath.Join(keys, "jwt.pem")
	cfg.SecretKeyFile = filepath.Join(keys, "secret.key")
	cfg.PublicURL = "http://127.0.0.1"
	cfg.LogLevel = slog.LevelError
	configure(&cfg)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, io.Discard, io.Discard)
	ctx := context.Background()
	if err := m.Run(ctx); err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { _ = m.Close(context.Background()) })

	// Each engine's client comes from an address of its own, so the per-IP
	// sign-in limits of one test do not spill into another's.
	var addr [3]byte
	_, _ = rand.Read(addr[:])
	remote := fmt.Sprintf("10.%d.%d.%d:40000", addr[0], addr[1], addr[2])
	b := &bundle{main: m, gql: client.New(m.Server.Handler(), client.Path("/graphql"),
		func(r *client.Request) { r.HTTP.RemoteAddr = remote })}
	b.a = MustCreateTenant(t, m, "acme")
	b.b = MustCreateTenant(t, m, "globex")
	b.a.Token = MustLogin(t, b.gql, b.a.Email)
	b.b.Token = MustLogin(t, b.gql, b.b.Email)
	return b
}

func MustCreateTenant(t testing.TB, m *Main, slug string) *tenantFixture {
	t.Helper()
	ctx := context.Background()
	tn := &scalefield.Tenant{Slug: slug, Name: strings.ToUpper(slug)}
	if err := store.NewTenantService(m.DB).CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	users := store.NewUserService(m.DB)
	u := &scalefield.User{Email: "analyst@" + slug + ".example", DisplayName: "Analyst"}
	if err := users.CreateUser(ctx, u, hash); err != nil {
		t.Fatal(err)
	}
	if err := users.AddMembership(ctx, scalefield.Membership{TenantID: tn.ID, UserID: u.ID, Role: scalefield.RoleAnalyst}); err != nil {
		t.Fatal(err)
	}
	secret := store.NewHECSecret()
	if err := store.NewHECTokenService(m.DB).CreateHECToken(ctx, &scalefield.HECToken{TenantID: tn.ID, Name: "test"}, secret); err != nil {
		t.Fatal(err)
	}
	return &tenantFixture{Tenant: tn, Email: u.Email, Secret: secret}
}

func MustLogin(t testing.TB, c *client.Client, email string) string {
	t.Helper()
	var resp struct {
		Login struct{ Session struct{ Token string } }
	}
	c.MustPost(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { session { token } } }`, &resp,
		client.Var("e", email), client.Var("p", password))
	return resp.Login.Session.Token
}

func bearer(token string) client.Option { return client.AddHeader("Authorization", "Bearer "+token) }

// MustPostHEC sends events to the running server and checks the reply.
func MustPostHEC(t *testing.T, m *Main, secret, body string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, m.Server.URL()+"/services/collector/event", strings.NewReader(body))
	req.Header.Set("Authorization", "Splunk "+secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || strings.TrimSpace(string(got)) != `{"text":"Success","code":0}` {
		t.Fatalf("HEC reply %d %s", res.StatusCode, got)
	}
}

type eventsResp struct {
	Events struct {
		TotalCount int
		Edges      []struct {
			Node struct{ ID, Message, Severity string }
		}
	}
}

// waitEvents polls the events query until it reports want events.
func waitEvents(t *testing.T, b *bundle, token string, want int) eventsResp {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var resp eventsResp
		b.gql.MustPost(`{ events(first: 50) { totalCount edges { node { id message severity } } } }`, &resp, bearer(token))
		if resp.Events.TotalCount >= want || time.Now().After(deadline) {
			return resp
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func errorCode(err error) string {
	var raw client.RawJsonError
	if err == nil {
		return ""
	}
	if e, ok := err.(client.RawJsonError); ok {
		raw = e
	} else {
		return err.Error()
	}
	var errs []struct {
		Extensions struct{ Code string }
	}
	_ = json.Unmarshal(raw.RawMessage, &errs)
	if len(errs) == 0 {
		return string(raw.RawMessage)
	}
	return errs[0].Extensions.Code
}

func TestEventFlowsFromHECToGraphQL(t *testing.T) {
	b := setup(t)
	MustPostHEC(t, b.main, b.a.Secret, `{"event":{"message":"failed login","severity":"high","user":"bob","src_ip":"198.51.100.4"},"host":"web-01"}`)
	resp := waitEvents(t, b, b.a.Token, 1)
	if len(resp.Events.Edges) != 1 || resp.Events.Edges[0].Node.Message != "failed login" || resp.Events.Edges[0].Node.Severity != "HIGH" {
		t.Fatalf("events = %+v, want the failed login", resp.Events)
	}

	var me struct {
		Me     struct{ Email, Role string }
		Tenant struct{ Slug string }
	}
	b.gql.MustPost(`{ me { email role } tenant { slug } }`, &me, bearer(b.a.Token))
	if me.Me.Email != b.a.Email || me.Me.Role != "ANALYST" || me.Tenant.Slug != "acme" {
		t.Errorf("me = %+v", me)
	}
}

func TestCrossTenantReadsAreImpossible(t *testing.T) {
	b := setup(t)
	MustPostHEC(t, b.main, b.a.Secret, `{"event":{"message":"acme secret","severity":"critical"}}`)
	waitEvents(t, b, b.a.Token, 1)

	t.Run("events and bronze of another tenant are invisible", func(t *testing.T) {
		var resp struct {
			Events       struct{ TotalCount int }
			BronzeEvents struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		b.gql.MustPost(`{ events(filter: {search: "acme secret", severity: [CRITICAL]}) { totalCount } bronzeEvents { edges { node { id } } } }`,
			&resp, bearer(b.b.Token))
		if resp.Events.TotalCount != 0 || len(resp.BronzeEvents.Edges) != 0 {
			t.Errorf("tenant B sees %d events and %d bronze records of tenant A", resp.Events.TotalCount, len(resp.BronzeEvents.Edges))
		}
	})

	t.Run("a token whose tenant was tampered with is refused", func(t *testing.T) {
		parts := strings.Split(b.b.Token, ".")
		claims, _ := jwt.NewParser().DecodeSegment(parts[1])
		forged := bytes.Replace(claims, []byte(b.b.Tenant.ID), []byte(b.a.Tenant.ID), 1)
		token := parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2]
		err := b.gql.Post(`{ events { totalCount } }`, &struct{}{}, bearer(token))
		if err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("got %v, want HTTP 401", err)
		}
	})

	t.Run("a token signed with HS256 or none is refused", func(t *testing.T) {
		claims := jwt.MapClaims{"iss": auth.Issuer, "aud": auth.Audience, "sub": "x", "tid": b.a.Tenant.ID,
			"role": "analyst", "exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()}
		hs, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("secret"))
		none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
		for name, token := range map[string]string{"HS256": hs, "none": none} {
			if err := b.gql.Post(`{ events { totalCount } }`, &struct{}{}, bearer(token)); err == nil || !strings.Contains(err.Error(), "401") {
				t.Errorf("%s: got %v, want HTTP 401", name, err)
			}
		}
	})

	t.Run("subscriptions deliver only the subscriber's tenant", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		subA := MustSubscribe(t, ctx, b.main, b.a.Token, "")
		subB := MustSubscribe(t, ctx, b.main, b.b.Token, "")
		waitSubscribers(t, b.main, b.a.Tenant.ID, 1)
		waitSubscribers(t, b.main, b.b.Tenant.ID, 1)

		MustPostHEC(t, b.main, b.a.Secret, `{"event":"for acme only"}`)
		MustPostHEC(t, b.main, b.b.Secret, `{"event":"for globex only"}`)
		if got := nextEvent(t, ctx, subA); got != "for acme only" {
			t.Errorf("tenant A received %q", got)
		}
		if got := nextEvent(t, ctx, subB); got != "for globex only" {
			t.Errorf("tenant B received %q, want only its own event", got)
		}
	})
}

func TestUnauthenticatedAndMalformedRequests(t *testing.T) {
	b := setup(t)
	t.Run("every operation but login needs a session", func(t *testing.T) {
		err := b.gql.Post(`{ events { totalCount } }`, &struct{}{})
		if got := errorCode(err); got != "UNAUTHENTICATED" {
			t.Errorf("code = %q, want UNAUTHENTICATED", got)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		err := b.gql.Post(`mutation { login(email: "analyst@acme.example", password: "wrong password!!") { session { token } } }`, &struct{}{})
		if got := errorCode(err); got != "UNAUTHENTICATED" {
			t.Errorf("code = %q, want UNAUTHENTICATED", got)
		}
	})
	t.Run("mutations are refused over GET", func(t *testing.T) {
		q := `mutation { login(email: "analyst@acme.example", password: "` + password + `") { session { token } } }`
		res, err := http.Get(b.main.Server.URL() + "/graphql?query=" + strings.ReplaceAll(q, " ", "%20"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), `"token"`) {
			t.Errorf("GET ran a mutation: %s", body)
		}
	})
	t.Run("operations above the complexity limit are refused", func(t *testing.T) {
		var sb strings.Builder
		sb.WriteString("{")
		for i := range 1100 {
			fmt.Fprintf(&sb, " a%d: __typename", i)
		}
		sb.WriteString(" me { email } }")
		err := b.gql.Post(sb.String(), &struct{}{}, bearer(b.a.Token))
		if got := errorCode(err); got != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Errorf("code = %q, want COMPLEXITY_LIMIT_EXCEEDED", got)
		}
	})
	t.Run("a bad cursor is an invalid argument", func(t *testing.T) {
		err := b.gql.Post(`{ events(after: "nonsense") { totalCount } }`, &struct{}{}, bearer(b.a.Token))
		if got := errorCode(err); got != "INVALID" {
			t.Errorf("code = %q, want INVALID", got)
		}
	})
	t.Run("a WebSocket from a foreign origin is refused", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(b.main.Server.URL(), "http")+"/graphql", &websocket.DialOptions{
			Subprotocols: []string{"graphql-transport-ws"},
			HTTPHeader:   http.Header{"Origin": []string{"https://evil.example"}},
		})
		if err == nil || res == nil || res.StatusCode != http.StatusForbidden {
			t.Errorf("dial from foreign origin: err=%v, want 403", err)
		}
	})
	t.Run("a WebSocket without a token is closed", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn := dial(t, ctx, b.main)
		_ = wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{}})
		var msg map[string]any
		for {
			err := wsjson.Read(ctx, conn, &msg)
			if err != nil {
				if got := websocket.CloseStatus(err); got != 4403 {
					t.Errorf("close status = %d (%v), want 4403 Forbidden", got, err)
				}
				return
			}
			if msg["type"] == "connection_ack" {
				t.Fatalf("connection acknowledged without a token")
			}
		}
	})
}

func TestQuarantinedEventDoesNotBlockTheNext(t *testing.T) {
	b := setup(t)
	MustPostHEC(t, b.main, b.a.Secret, `{"event":{"message":"bad","src_ip":"300.1.1.1"}}{"event":{"message":"good"}}`)
	resp := waitEvents(t, b, b.a.Token, 1)
	if len(resp.Events.Edges) != 1 || resp.Events.Edges[0].Node.Message != "good" {
		t.Fatalf("events = %+v, want only the good one", resp.Events)
	}
	var bronze struct {
		BronzeEvents struct {
			Edges []struct {
				Node struct{ Status, Error, Payload string }
			}
		}
	}
	b.gql.MustPost(`{ bronzeEvents { edges { node { status error payload } } } }`, &bronze, bearer(b.a.Token))
	var statuses []string
	for _, e := range bronze.BronzeEvents.Edges {
		statuses = append(statuses, e.Node.Status+":"+e.Node.Error)
	}
	want := []string{"REFINED:", `QUARANTINED:field "src_ip": "300.1.1.1" is not an IP address`}
	if fmt.Sprint(statuses) != fmt.Sprint(want) {
		t.Errorf("bronze statuses = %q, want %q", statuses, want)
	}
}

func dial(t *testing.T, ctx context.Context, m *Main) *websocket.Conn {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(m.Server.URL(), "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
	})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return conn
}

// MustSubscribe opens a graphql-transport-ws connection and subscribes to
// eventIngested.
func MustSubscribe(t *testing.T, ctx context.Context, m *Main, token, _ string) *websocket.Conn {
	t.Helper()
	conn := dial(t, ctx, m)
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + token}}); err != nil {
		t.Fatal(err)
	}
	var ack map[string]any
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("connection_init: %v %v", ack, err)
	}
	err := wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe",
		"payload": map[string]any{"query": "subscription { eventIngested { id message } }"}})
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

func nextEvent(t *testing.T, ctx context.Context, conn *websocket.Conn) string {
	t.Helper()
	for {
		var msg struct {
			Type    string
			Payload struct {
				Data struct{ EventIngested struct{ Message string } }
			}
		}
		if err := wsjson.Read(ctx, conn, &msg); err != nil {
			t.Fatalf("read subscription: %v", err)
		}
		switch msg.Type {
		case "next":
			return msg.Payload.Data.EventIngested.Message
		case "ping":
			_ = wsjson.Write(ctx, conn, map[string]any{"type": "pong"})
		case "error", "complete":
			t.Fatalf("subscription ended: %+v", msg)
		}
	}
}

func waitSubscribers(t *testing.T, m *Main, tenantID string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for m.Broker.Subscribers(tenantID) < n {
		if time.Now().After(deadline) {
			t.Fatalf("subscribers of %s: %d, want %d", tenantID, m.Broker.Subscribers(tenantID), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// Keep-alive connections of http.DefaultClient outlive the tests.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	)
}

func TestServesTheSPAWithClientRoutes(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"index.html": "<!doctype html><title>Scalefield</title>", "assets/app.js": "console.log(1)"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b := setupWith(t, func(cfg *Config) { cfg.WebDir = dir })
	for path, want := range map[string]string{"/": "<title>Scalefield</title>", "/analyst": "<title>Scalefield</title>", "/assets/app.js": "console.log(1)"} {
		res, err := http.Get(b.main.Server.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s = %d %q, want %q", path, res.StatusCode, body, want)
		}
	}
	// The API stays the API next to the SPA.
	MustLogin(t, b.gql, b.a.Email)
}
