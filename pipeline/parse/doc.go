// Package parse turns raw log bytes into structured records: syslog
// (RFC 5424 and RFC 3164 with common vendor variants) and ArcSight CEF.
//
// It is pure code: no I/O, no clock (callers pass a reference time where a
// message leaves out the year or zone), nothing about tenants or storage. The
// refine stage maps the records onto Silver. Every parser returns either a
// complete record or an *Error saying what is wrong and at which byte; it
// never returns a partial record with a nil error, and never panics.
//
// String fields hold the bytes as received: they may contain invalid UTF-8
// and NUL bytes, which callers storing text in PostgreSQL must sanitize.
package parse
