package mapper

import (
	"strconv"
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// OCSF activity IDs the mappers use, per class, as OCSF 1.1 defines them
// (https://schema.ocsf.io/1.1.0). Every class also has 0 Unknown and
// 99 Other; with 99 the activity name is the source's own word for it.
// docs/silver.md shows the same table.
const (
	activityUnknown = 0
	activityOther   = 99

	// Process Activity (1007).
	processLaunch    = 1
	processTerminate = 2

	// Detection Finding (2004).
	findingCreate = 1
	findingUpdate = 2
	findingClose  = 3

	// Account Change (3001). OCSF 1.3 adds 12 Unlock; until then an unlock
	// is 99 Other.
	accountCreate         = 1
	accountEnable         = 2
	accountPasswordChange = 3
	accountPasswordReset  = 4
	accountDisable        = 5
	accountDelete         = 6
	accountAttachPolicy   = 7
	accountDetachPolicy   = 8
	accountLock           = 9

	// Authentication (3002).
	authLogon         = 1
	authLogoff        = 2
	authTicket        = 3 // Kerberos TGT
	authServiceTicket = 4 // Kerberos service ticket request
	authPreauth       = 6

	// Network Activity (4001).
	networkOpen    = 1
	networkClose   = 2
	networkReset   = 3
	networkFail    = 4
	networkRefuse  = 5
	networkTraffic = 6

	// Datastore Activity (6005). Note the order: OCSF numbers them Read,
	// Update, Connect, Query, Write, Create, Delete.
	datastoreRead    = 1
	datastoreUpdate  = 2
	datastoreConnect = 3
	datastoreQuery   = 4
	datastoreWrite   = 5
	datastoreCreate  = 6
	datastoreDelete  = 7
)

// Activity captions by class, indexed by activity ID.
var (
	processActivities = []string{processLaunch: "Launch", processTerminate: "Terminate"}
	findingActivities = []string{findingCreate: "Create", findingUpdate: "Update", findingClose: "Close"}
	accountActivities = []string{accountCreate: "Create", accountEnable: "Enable", accountPasswordChange: "Password Change",
		accountPasswordReset: "Password Reset", accountDisable: "Disable", accountDelete: "Delete",
		accountAttachPolicy: "Attach Policy", accountDetachPolicy: "Detach Policy", accountLock: "Lock"}
	authActivities = []string{authLogon: "Logon", authLogoff: "Logoff", authTicket: "Authentication Ticket",
		authServiceTicket: "Service Ticket Request", 5: "Service Ticket Renew", authPreauth: "Preauth"}
	networkActivities = []string{networkOpen: "Open", networkClose: "Close", networkReset: "Reset", networkFail: "Fail",
		networkRefuse: "Refuse", networkTraffic: "Traffic", 7: "Listen"}
	httpActivities = []string{1: "Connect", 2: "Delete", 3: "Get", 4: "Head", 5: "Options", 6: "Post", 7: "Put", 8: "Trace"}
	dnsActivities  = []string{1: "Query", 2: "Response", 6: "Traffic"}
	fileActivities = []string{1: "Create", 2: "Read", 3: "Update", 4: "Delete", 5: "Rename", 6: "Set Attributes",
		7: "Set Security", 8: "Get Attributes", 9: "Get Security"}
	datastoreActivities = []string{datastoreRead: "Read", datastoreUpdate: "Update", datastoreConnect: "Connect",
		datastoreQuery: "Query", datastoreWrite: "Write", datastoreCreate: "Create", datastoreDelete: "Delete"}
)

// activitiesOf returns the captions of class c's activities; nil for the
// Base class and classes Silver does not assign.
func activitiesOf(c int) []string {
	switch c {
	case scalefield.ClassProcessActivity:
		return processActivities
	case scalefield.ClassDetectionFinding:
		return findingActivities
	case scalefield.ClassAccountChange:
		return accountActivities
	case scalefield.ClassAuthentication:
		return authActivities
	case scalefield.ClassNetworkActivity:
		return networkActivities
	case scalefield.ClassHTTPActivity:
		return httpActivities
	case scalefield.ClassDNSActivity:
		return dnsActivities
	case scalefield.ClassFileActivity:
		return fileActivities
	case scalefield.ClassDatastoreActivity:
		return datastoreActivities
	}
	return nil
}

// knownClass reports whether c is one of the classes Silver assigns.
func knownClass(c int) bool {
	switch c {
	case scalefield.ClassBase, scalefield.ClassFileActivity, scalefield.ClassProcessActivity, scalefield.ClassDetectionFinding,
		scalefield.ClassAccountChange, scalefield.ClassAuthentication, scalefield.ClassNetworkActivity,
		scalefield.ClassHTTPActivity, scalefield.ClassDNSActivity, scalefield.ClassDatastoreActivity:
		return true
	}
	return false
}

// activityName is the OCSF caption of activity a of class c: "Unknown",
// "Other", or "" when the class has no such activity.
func activityName(c, a int) string {
	switch a {
	case activityUnknown:
		return "Unknown"
	case activityOther:
		return "Other"
	}
	if names := activitiesOf(c); a > 0 && a < len(names) {
		return names[a]
	}
	return ""
}

// classify sets the event's class and activity. other names the activity
// in the source's words when a is activityOther (OCSF's rule for 99).
func classify(e *scalefield.SecurityEvent, class, a int, other string) {
	e.ClassUID, e.ActivityID = class, a
	e.ActivityName = activityName(class, a)
	if a == activityOther && strings.TrimSpace(other) != "" {
		e.ActivityName = other
	}
}

// Outcomes (SecurityEvent.Status).
const (
	statusSuccess = "success"
	statusFailure = "failure"
)

// outcomeWords are the usual words for an outcome, lowercase.
var outcomeWords = map[string]string{
	"success": statusSuccess, "succeeded": statusSuccess, "successful": statusSuccess, "ok": statusSuccess,
	"true": statusSuccess, "audit success": statusSuccess, "allowed": statusSuccess, "allow": statusSuccess,
	"failure": statusFailure, "failed": statusFailure, "fail": statusFailure, "false": statusFailure,
	"audit failure": statusFailure, "error": statusFailure, "denied": statusFailure, "deny": statusFailure,
}

// outcome reads an outcome word ("Success", "/Failure", "FAILED"…); ""
// when s is none of them.
func outcome(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "/"))
	return outcomeWords[s]
}

// port reads a TCP/UDP port, 1-65535. ok is false for anything else;
// zero and "-" (what Windows writes for "none") give 0 with ok true.
func port(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	s = strings.TrimSpace(s)
	if placeholder(s) || s == "0" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 {
		return 0, false
	}
	return n, true
}

// warnf adds a warning to the event.
func warnf(e *scalefield.SecurityEvent, w string) {
	e.Warnings = append(e.Warnings, w)
}

// readPort sets *dst from s, or warns that field is not a port.
func readPort(e *scalefield.SecurityEvent, dst *int, field, s string) {
	n, ok := port(s)
	if !ok {
		warnf(e, field+" "+strconv.Quote(clean(s, 64))+" is not a port")
		return
	}
	*dst = n
}

// device joins a vendor and a product name as "vendor product", leaving
// the vendor out when the product already starts with it.
func device(vendor, product string) string {
	vendor, product = strings.TrimSpace(vendor), strings.TrimSpace(product)
	switch {
	case product == "":
		return vendor
	case vendor == "" || len(product) >= len(vendor) && strings.EqualFold(product[:len(vendor)], vendor):
		return product
	}
	return vendor + " " + product
}

// joinID joins the non-empty parts of a vendor event ID with "|".
func joinID(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString(p)
	}
	return b.String()
}

// firstNonEmpty returns the first of ss that is not blank.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
