package store_test

import (
	"context"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

func TestAccountLockoutBackoff(t *testing.T) {
	t.Parallel()
	b := idSetup(t)
	ctx := context.Background()
	// Threshold 3, base 1 minute, cap 5 minutes.
	for i, want := range []time.Duration{0, 0, time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute} {
		at := b.now.Add(time.Duration(i) * time.Hour)
		until, err := b.ids.RecordLoginFailure(ctx, b.user.ID, at, 3, time.Minute, 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case want == 0 && until != nil:
			t.Errorf("failure %d: locked until %v, want no lock", i+1, until)
		case want != 0 && (until == nil || !until.Equal(at.Add(want))):
			t.Errorf("failure %d: locked until %v, want %v", i+1, until, at.Add(want))
		}
	}
	acct, err := b.ids.FindAccountByEmail(ctx, " IVY@acme.example")
	if err != nil || acct.FailedLogins != 7 || acct.LockedUntil == nil || acct.User.ID != b.user.ID {
		t.Fatalf("account = %+v, %v", acct, err)
	}
	if err := b.ids.RecordLoginSuccess(ctx, b.user.ID); err != nil {
		t.Fatal(err)
	}
	acct, _ = b.ids.FindAccountByID(ctx, b.user.ID)
	if acct.FailedLogins != 0 || acct.LockedUntil != nil {
		t.Errorf("after success = %+v", acct)
	}
	if _, err := b.ids.FindAccountByEmail(ctx, "nobody@acme.example"); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("unknown email: %v", err)
	}
	if _, err := b.ids.RecordLoginFailure(ctx, b.tenantA.ID, b.now, 3, time.Minute, time.Hour); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("unknown user: %v", err)
	}
}
