package pglogical_test

import (
	"context"
	"log"

	"github.com/scalefield/scalefield/gather/pglogical"
)

// A gather agent runs the collector, stores each transaction's records, and
// confirms a transaction once the file holding it is durable.
func ExampleCollector() {
	ctx := context.Background()
	c, err := pglogical.New(pglogical.Config{
		ConnString:    "postgres://scalefield_gather@db1/app",
		IncludeValues: true,
		Masks:         map[string]pglogical.MaskAction{"*.*.email": pglogical.MaskHash, "*.*.ssn": pglogical.MaskDrop},
		HashKey:       []byte("a secret of at least sixteen bytes"),
		// The commit LSN of the newest stored record, after a restart.
		StartAfter: 0,
	})
	if err != nil {
		log.Fatal(err)
	}
	err = c.Run(ctx, func(ctx context.Context, tx pglogical.Transaction) error {
		// A real agent appends tx.Records to its Parquet writer and calls
		// Confirm when the file is stored; here they count as stored at once.
		log.Printf("transaction %d: %d records", tx.Xid, len(tx.Records))
		c.Confirm(tx.CommitLSN)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}
