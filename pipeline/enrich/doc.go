// Package enrich is the enrichment step of the refine stage: it adds to
// Silver events where their IP addresses are (GeoIP, from MaxMind-format
// databases), which threat intel indicators they match (from STIX 2.1
// bundles and CSV lists imported per tenant), what the tenant's user
// directory says about the actor, and a risk score from all of these.
//
// An Enricher holds each tenant's data as an immutable Index and Directory,
// reloaded through a Loader when the tenant's data version changes, so that
// enriching an event costs a few map probes and no I/O. docs/enrichment.md
// describes the formats, the matching and the risk score.
package enrich
