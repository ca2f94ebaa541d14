// Package mapper maps raw Bronze records onto Silver security events.
//
// Normalize (and (*Registry).Normalize) is the refine stage's entry point:
// it has the signature of store.NormalizeFunc and returns either a complete
// event or an error that says what is wrong and where, which becomes the
// record's quarantine reason. It dispatches on the record's kind ("hec",
// "hec-raw", "syslog", "gather"), its sourcetype and, for JSON, the
// payload's shape:
//
//   - CEF and syslog text go through package parse;
//   - JSON objects go to the mapping configured for their sourcetype in a
//     Registry (a FieldMapping or a declared vendor), else to the vendor
//     mapper their sourcetype or shape names: Azure Sentinel / Log
//     Analytics, AWS Security Hub (ASFF), CrowdStrike Falcon, Microsoft
//     Defender, IBM QRadar, Windows event logs;
//   - anything else in an HEC envelope goes to pipeline.NormalizeHEC;
//   - database audit records from gather collectors go to mapGather.
//
// Every mapper also classifies the event in OCSF terms (class, activity,
// outcome, endpoints, device, the product's own event ID); the IDs used
// are in ocsf.go, the Silver schema in docs/silver.md.
//
// Which source field lands in which Silver field, for every mapper, is in
// docs/mappings.md and docs/silver.md. The package does no I/O and keeps no state besides a
// Registry's configuration.
package mapper
