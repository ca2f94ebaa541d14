package store_test

import (
	"context"
	"sync"
	"testing"

	scalefield "github.com/scalefield/scalefield"
)

func TestMFAStore(t *testing.T) {
	t.Parallel()
	b := idSetup(t)
	ctx := context.Background()
	if _, err := b.ids.FindMFA(ctx, b.user.ID); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Fatalf("FindMFA before enrolment: %v", err)
	}
	if err := b.ids.EnableMFA(ctx, b.user.ID, 1, nil, b.now); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("enable without pending: %v", err)
	}
	for _, secret := range []string{"first", "second"} {
		if err := b.ids.SavePendingMFA(ctx, b.user.ID, []byte(secret)); err != nil {
			t.Fatal(err)
		}
	}
	m, err := b.ids.FindMFA(ctx, b.user.ID)
	if err != nil || string(m.SecretEnc) != "second" || m.EnabledAt != nil {
		t.Fatalf("pending = %+v, %v", m, err)
	}
	if ok, _ := b.ids.UseTOTPStep(ctx, b.user.ID, 5); ok {
		t.Error("a pending authenticator accepted a code")
	}
	codes := [][]byte{randomHash(t), randomHash(t), randomHash(t)}
	if err := b.ids.EnableMFA(ctx, b.user.ID, 100, codes, b.now); err != nil {
		t.Fatal(err)
	}
	if err := b.ids.EnableMFA(ctx, b.user.ID, 100, codes, b.now); scalefield.ErrorCode(err) != scalefield.ECONFLICT {
		t.Errorf("enable twice: %v", err)
	}
	if err := b.ids.SavePendingMFA(ctx, b.user.ID, []byte("third")); scalefield.ErrorCode(err) != scalefield.ECONFLICT {
		t.Errorf("new enrolment while enabled: %v", err)
	}
	acct, _ := b.ids.FindAccountByID(ctx, b.user.ID)
	if !acct.MFAEnabled {
		t.Error("account does not show MFA enabled")
	}

	t.Run("time steps only move forward", func(t *testing.T) {
		for _, tc := range []struct {
			step int64
			ok   bool
		}{{100, false}, {99, false}, {101, true}, {101, false}, {103, true}, {102, false}} {
			if ok, err := b.ids.UseTOTPStep(ctx, b.user.ID, tc.step); err != nil || ok != tc.ok {
				t.Errorf("step %d: %v, %v; want %v", tc.step, ok, err, tc.ok)
			}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted := 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ok, err := b.ids.UseTOTPStep(ctx, b.user.ID, 200); err == nil && ok {
					mu.Lock()
					accepted++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if accepted != 1 {
			t.Errorf("one step used concurrently was accepted %d times", accepted)
		}
	})

	t.Run("recovery codes are single-use", func(t *testing.T) {
		for i, want := range []int{2, 1} {
			if n, err := b.ids.UseRecoveryCode(ctx, b.user.ID, codes[i], b.now); err != nil || n != want {
				t.Errorf("code %d: remaining %d, %v; want %d", i, n, err, want)
			}
		}
		if _, err := b.ids.UseRecoveryCode(ctx, b.user.ID, codes[0], b.now); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
			t.Errorf("used code again: %v", err)
		}
		other := b.idMustUser(t, "jo@acme.example", b.tenantA, scalefield.RoleViewer)
		if _, err := b.ids.UseRecoveryCode(ctx, other.ID, codes[2], b.now); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
			t.Errorf("another user's code: %v", err)
		}
	})
}
