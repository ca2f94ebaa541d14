package activityfile_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/scalefield/scalefield"
)

// sampleRows returns n realistic pgaudit-like rows: a few hosts, databases,
// users and applications, statements of 50-400 bytes with varying literals,
// and raw log lines of ~300 bytes that embed the statement.
func sampleRows(n int, seed uint64) []scalefield.DBActivity {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	users := make([]string, 40)
	for i := range users {
		users[i] = fmt.Sprintf("app_user_%02d", i)
	}
	users = append(users, "postgres", "dba_alice", "etl_batch", "report_ro")
	dbs := []string{"orders", "billing", "crm", "inventory", "auth"}
	apps := []string{"psql", "pgAdmin 4", "orders-api", "billing-worker", "airflow", "metabase", ""}
	tables := []string{"public.orders", "public.order_items", "billing.invoices", "billing.payments", "crm.customers", "crm.contacts", "inventory.stock", "auth.sessions"}
	type kind struct{ class, action string }
	kinds := []kind{
		{scalefield.DBActionRead, "SELECT"}, {scalefield.DBActionRead, "SELECT"}, {scalefield.DBActionRead, "SELECT"},
		{scalefield.DBActionWrite, "INSERT"}, {scalefield.DBActionWrite, "UPDATE"}, {scalefield.DBActionWrite, "DELETE"},
		{scalefield.DBActionDDL, "CREATE TABLE"}, {scalefield.DBActionRole, "GRANT"}, {scalefield.DBActionConnect, "LOGON"},
		{scalefield.DBActionFunction, "EXECUTE"},
	}
	base := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	out := make([]scalefield.DBActivity, n)
	var lsn uint64 = 0x16B3748
	for i := range out {
		k := kinds[rng.IntN(len(kinds))]
		table := tables[rng.IntN(len(tables))]
		stmt := statement(rng, k.action, table)
		user := users[rng.IntN(len(users))]
		db := dbs[rng.IntN(len(dbs))]
		host := fmt.Sprintf("db-%d.prod.internal", rng.IntN(3))
		t := base.Add(time.Duration(i)*137*time.Microsecond + time.Duration(rng.IntN(1000))*time.Microsecond)
		session := fmt.Sprintf("%x.%x", t.Unix()-int64(rng.IntN(3600)), 1000+rng.IntN(200))
		addr := fmt.Sprintf("10.%d.%d.%d", rng.IntN(4), rng.IntN(16), rng.IntN(250))
		status, errText := "success", ""
		if rng.IntN(50) == 0 {
			status, errText = "failure", "ERROR:  permission denied for table "+table[strings.IndexByte(table, '.')+1:]
		}
		lsn += uint64(64 + rng.IntN(4096))
		a := scalefield.DBActivity{
			Time: t, Engine: "postgresql", Host: host, Database: db, User: user,
			ClientAddr: addr, ClientPort: 30000 + rng.IntN(30000),
			Application: apps[rng.IntN(len(apps))], Session: session,
			ActionClass: k.class, Action: k.action, Statement: stmt,
			Object: table, ObjectType: "TABLE", Rows: int64(rng.IntN(500)),
			Status: status, Error: errText,
			Source: "pgaudit:" + host, Position: fmt.Sprintf("%X/%X", lsn>>32, uint32(lsn)),
		}
		a.Raw = fmt.Sprintf("%s UTC [%d] %s@%s %s(%d) LOG:  AUDIT: SESSION,%d,1,%s,%s,%s,%s,%q,<not logged>",
			t.Format("2006-01-02 15:04:05.000"), 1000+rng.IntN(60000), user, db, addr, a.ClientPort,
			rng.IntN(100000), k.class, k.action, "TABLE", table, stmt)
		out[i] = a
	}
	return out
}

func statement(rng *rand.Rand, action, table string) string {
	var b strings.Builder
	switch action {
	case "SELECT":
		fmt.Fprintf(&b, "SELECT id, customer_id, status, total_cents, created_at FROM %s WHERE customer_id = %d", table, rng.IntN(1_000_000))
		for i, n := 0, rng.IntN(5); i < n; i++ {
			fmt.Fprintf(&b, " AND (region = 'eu-%d' OR updated_at > '2026-%02d-%02d')", rng.IntN(9), 1+rng.IntN(12), 1+rng.IntN(28))
		}
		fmt.Fprintf(&b, " ORDER BY created_at DESC LIMIT %d", 10+rng.IntN(90))
	case "INSERT":
		fmt.Fprintf(&b, "INSERT INTO %s (customer_id, status, total_cents, note) VALUES (%d, 'new', %d, '%s')",
			table, rng.IntN(1_000_000), rng.IntN(100000), strings.Repeat("x", rng.IntN(120)))
	case "UPDATE":
		fmt.Fprintf(&b, "UPDATE %s SET status = 'shipped', updated_at = now() WHERE id = %d", table, rng.IntN(10_000_000))
	case "DELETE":
		fmt.Fprintf(&b, "DELETE FROM %s WHERE created_at < now() - interval '%d days'", table, 30+rng.IntN(300))
	case "CREATE TABLE":
		fmt.Fprintf(&b, "CREATE TABLE %s_archive_%d (LIKE %s INCLUDING ALL)", table, rng.IntN(1000), table)
	case "GRANT":
		fmt.Fprintf(&b, "GRANT SELECT ON %s TO report_ro_%d", table, rng.IntN(20))
	case "LOGON":
		b.WriteString("connection authorized: user=app_user database=orders application_name=psql SSL enabled (protocol=TLSv1.3)")
	default:
		fmt.Fprintf(&b, "SELECT billing.recalculate_invoice(%d, true)", rng.IntN(1_000_000))
	}
	return b.String()
}
