package mapper

import (
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// winEventInfo is what Silver makes of one well-known Windows event ID.
type winEventInfo struct {
	action   string
	severity scalefield.Severity
	// about names the account the event is about: "target" (the account
	// logged on, locked out…), "subject" (the account that acted), or ""
	// (none: the user comes from the rest of the record, if anywhere).
	about string
	// noDomain: TargetDomainName holds something else (4740: the caller
	// computer).
	noDomain bool
	// title is the event's description, used when the record carries no
	// rendered message.
	title string
}

const (
	target  = "target"
	subject = "subject"
)

// securityEvents are the well-known events of the Security log.
var securityEvents = map[int]winEventInfo{
	1102: {"audit-log-clear", scalefield.SeverityHigh, subject, false, "The audit log was cleared"},
	4624: {"logon", scalefield.SeverityInfo, target, false, "An account was successfully logged on"},
	4625: {"logon-failure", scalefield.SeverityLow, target, false, "An account failed to log on"},
	4634: {"logoff", scalefield.SeverityInfo, target, false, "An account was logged off"},
	4647: {"logoff", scalefield.SeverityInfo, target, false, "User initiated logoff"},
	4648: {"explicit-credentials-logon", scalefield.SeverityLow, subject, false, "A logon was attempted using explicit credentials"},
	4672: {"privileged-logon", scalefield.SeverityLow, subject, false, "Special privileges assigned to new logon"},
	4688: {"process-create", scalefield.SeverityInfo, subject, false, "A new process has been created"},
	4689: {"process-exit", scalefield.SeverityInfo, subject, false, "A process has exited"},
	4697: {"service-install", scalefield.SeverityMedium, subject, false, "A service was installed in the system"},
	4698: {"scheduled-task-create", scalefield.SeverityMedium, subject, false, "A scheduled task was created"},
	4719: {"audit-policy-change", scalefield.SeverityHigh, subject, false, "System audit policy was changed"},
	4720: {"user-create", scalefield.SeverityMedium, subject, false, "A user account was created"},
	4722: {"user-enable", scalefield.SeverityLow, subject, false, "A user account was enabled"},
	4723: {"password-change", scalefield.SeverityLow, subject, false, "An attempt was made to change an account's password"},
	4724: {"password-reset", scalefield.SeverityMedium, subject, false, "An attempt was made to reset an account's password"},
	4725: {"user-disable", scalefield.SeverityLow, subject, false, "A user account was disabled"},
	4726: {"user-delete", scalefield.SeverityMedium, subject, false, "A user account was deleted"},
	4728: {"group-member-add", scalefield.SeverityMedium, subject, false, "A member was added to a security-enabled global group"},
	4729: {"group-member-remove", scalefield.SeverityLow, subject, false, "A member was removed from a security-enabled global group"},
	4732: {"group-member-add", scalefield.SeverityMedium, subject, false, "A member was added to a security-enabled local group"},
	4733: {"group-member-remove", scalefield.SeverityLow, subject, false, "A member was removed from a security-enabled local group"},
	4738: {"user-change", scalefield.SeverityLow, subject, false, "A user account was changed"},
	4740: {"account-lockout", scalefield.SeverityMedium, target, true, "A user account was locked out"},
	4756: {"group-member-add", scalefield.SeverityMedium, subject, false, "A member was added to a security-enabled universal group"},
	4757: {"group-member-remove", scalefield.SeverityLow, subject, false, "A member was removed from a security-enabled universal group"},
	4767: {"account-unlock", scalefield.SeverityLow, subject, false, "A user account was unlocked"},
	4768: {"kerberos-tgt-request", scalefield.SeverityInfo, target, false, "A Kerberos authentication ticket (TGT) was requested"},
	4769: {"kerberos-service-ticket", scalefield.SeverityInfo, target, false, "A Kerberos service ticket was requested"},
	4771: {"kerberos-preauth-failure", scalefield.SeverityLow, target, false, "Kerberos pre-authentication failed"},
	4776: {"credential-validation", scalefield.SeverityInfo, target, false, "The computer attempted to validate the credentials for an account"},
}

// winClass is the OCSF class and activity of a well-known Security event,
// and its outcome unless the record says otherwise.
type winClass struct {
	class, activity int
	name            string // for activityOther
	status          string
	// statusCode: the Status data field holds the result (0x0 success).
	statusCode bool
}

// winClasses classify the well-known Security events; the others are
// Base events.
var winClasses = map[int]winClass{
	4624: {scalefield.ClassAuthentication, authLogon, "", statusSuccess, false},
	4625: {scalefield.ClassAuthentication, authLogon, "", statusFailure, false},
	4634: {scalefield.ClassAuthentication, authLogoff, "", statusSuccess, false},
	4647: {scalefield.ClassAuthentication, authLogoff, "", statusSuccess, false},
	4648: {scalefield.ClassAuthentication, authLogon, "", statusSuccess, false},
	4768: {scalefield.ClassAuthentication, authTicket, "", "", true},
	4769: {scalefield.ClassAuthentication, authServiceTicket, "", "", true},
	4771: {scalefield.ClassAuthentication, authPreauth, "", statusFailure, false},
	4776: {scalefield.ClassAuthentication, activityOther, "Credential Validation", "", true},

	4720: {scalefield.ClassAccountChange, accountCreate, "", statusSuccess, false},
	4722: {scalefield.ClassAccountChange, accountEnable, "", statusSuccess, false},
	4723: {scalefield.ClassAccountChange, accountPasswordChange, "", "", false},
	4724: {scalefield.ClassAccountChange, accountPasswordReset, "", "", false},
	4725: {scalefield.ClassAccountChange, accountDisable, "", statusSuccess, false},
	4726: {scalefield.ClassAccountChange, accountDelete, "", statusSuccess, false},
	4738: {scalefield.ClassAccountChange, activityOther, "Change", statusSuccess, false},
	4740: {scalefield.ClassAccountChange, accountLock, "", statusSuccess, false},
	4767: {scalefield.ClassAccountChange, activityOther, "Unlock", statusSuccess, false},

	4688: {scalefield.ClassProcessActivity, processLaunch, "", statusSuccess, false},
	4689: {scalefield.ClassProcessActivity, processTerminate, "", statusSuccess, false},
}

// systemEvents are the well-known events of the System log.
var systemEvents = map[int]winEventInfo{
	104:  {"log-clear", scalefield.SeverityHigh, subject, false, "An event log was cleared"},
	7045: {"service-install", scalefield.SeverityMedium, "", false, "A service was installed in the system"},
}

// lookupWinEvent returns what is known of event id in channel; a record
// without a channel is taken to be from the Security log.
func lookupWinEvent(channel string, id int) (winEventInfo, bool) {
	switch strings.ToLower(channel) {
	case "", "security":
		info, ok := securityEvents[id]
		return info, ok
	case "system":
		info, ok := systemEvents[id]
		return info, ok
	}
	return winEventInfo{}, false
}

// winLevelSeverity maps the Windows event level (System/Level 0-5 or the
// word Winlogbeat writes): 1 critical, 2 error, 3 warning, 0/4/5 info.
func winLevelSeverity(level string) scalefield.Severity {
	switch strings.TrimSpace(level) {
	case "":
		return scalefield.SeverityUnknown
	case "1":
		return scalefield.SeverityCritical
	case "2":
		return scalefield.SeverityHigh
	case "3":
		return scalefield.SeverityMedium
	case "0", "4", "5":
		return scalefield.SeverityInfo
	}
	if sev, ok := severityWord(level); ok {
		return sev
	}
	return scalefield.SeverityUnknown
}

// winDetailKeys are event data fields worth showing in a message built
// for a record that carries no rendered one, in this order.
var winDetailKeys = []string{"TargetUserName", "TargetDomainName", "SubjectUserName", "IpAddress", "LogonType",
	"NewProcessName", "CommandLine", "ServiceName", "ImagePath", "TaskName", "MemberName", "Status", "SubStatus"}
