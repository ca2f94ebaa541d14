package mapper

import (
	"fmt"
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// Microsoft Defender alerts in three shapes:
//   - Microsoft Graph security alert v2 (microsoft.graph.security.alert:
//     title, severity, createdDateTime, serviceSource, evidence[] with
//     "@odata.type");
//   - Microsoft Graph security alert v1, the legacy one (vendorInformation,
//     hostStates[], userStates[], networkConnections[]);
//   - Microsoft Defender for Endpoint API alert (alertCreationTime,
//     computerDnsName, relatedUser, evidence[] with entityType).

func looseDefender(o map[string]any) bool {
	return has(o, "title") || has(o, "alertCreationTime") || has(o, "createdDateTime")
}

func strictDefender(o map[string]any) bool {
	if has(o, "alertCreationTime") && (has(o, "computerDnsName") || has(o, "machineId")) {
		return true
	}
	return has(o, "createdDateTime") && has(o, "title") &&
		(has(o, "evidence") || has(o, "serviceSource") || has(o, "providerAlertId") || has(o, "detectionSource") || has(o, "vendorInformation"))
}

var defenderSeverities = map[string]scalefield.Severity{
	"unknown": scalefield.SeverityUnknown, "unknownfuturevalue": scalefield.SeverityUnknown,
	"unspecified": scalefield.SeverityUnknown, "informational": scalefield.SeverityInfo,
	"low": scalefield.SeverityLow, "medium": scalefield.SeverityMedium, "high": scalefield.SeverityHigh,
}

// domainUser joins a Windows domain and account name as DOMAIN\name;
// "" when name is a placeholder.
func domainUser(domain, name string) string {
	switch {
	case placeholder(name):
		return ""
	case placeholder(domain):
		return name
	}
	return domain + `\` + name
}

func mapDefender(in *input, o map[string]any) (*scalefield.SecurityEvent, error) {
	if !looseDefender(o) {
		return nil, fmt.Errorf("defender: not an alert (no title, createdDateTime or alertCreationTime)")
	}
	rd := &reader{prefix: "defender: "}
	if id := rd.str(o, "id"); id != "" {
		rd.prefix = fmt.Sprintf("defender: alert %s: ", clean(id, 128))
	}
	e := &scalefield.SecurityEvent{Severity: scalefield.SeverityUnknown}
	e.Time = rd.firstTime(o, "createdDateTime", "alertCreationTime", "eventDateTime", "firstActivityDateTime")
	if s := rd.str(o, "severity"); s != "" {
		sev, ok := defenderSeverities[strings.ToLower(s)]
		if !ok {
			rd.fail("severity", "%q is not one of informational, low, medium, high, unknown", clean(s, 64))
		}
		e.Severity = sev
	}
	e.Message = joinMessage(rd.str(o, "title"), rd.str(o, "description"))

	// Defender for Endpoint.
	e.Host = rd.first(o, "computerDnsName")
	e.User = domainUser(rd.str(o, "relatedUser.domainName"), rd.str(o, "relatedUser.userName"))
	// Graph v1.
	if e.Host == "" {
		e.Host = rd.first(o, "hostStates.0.fqdn", "hostStates.0.netBiosName")
	}
	if e.User == "" {
		e.User = domainUser(rd.str(o, "userStates.0.domainName"), rd.str(o, "userStates.0.accountName"))
	}
	if e.User == "" {
		e.User = rd.first(o, "userStates.0.userPrincipalName")
	}
	e.SrcIP = rd.firstIP(o, "networkConnections.0.sourceAddress", "userStates.0.logonIp")
	e.DstIP = rd.ip(o, "networkConnections.0.destinationAddress")
	// Evidence: Graph v2 (@odata.type) and Defender for Endpoint (entityType).
	for i := range rd.objects(rd.list(o, "evidence"), "evidence") {
		at := func(p string) string { return fmt.Sprintf("evidence.%d.%s", i, p) }
		typ := strings.ToLower(rd.first(o, at("@odata.type"), at("entityType")))
		switch {
		case strings.HasSuffix(typ, "deviceevidence") || typ == "machine":
			if e.Host == "" {
				e.Host = rd.first(o, at("deviceDnsName"), at("computerDnsName"))
			}
		case strings.HasSuffix(typ, "userevidence"):
			if e.User == "" {
				e.User = domainUser(rd.str(o, at("userAccount.domainName")), rd.str(o, at("userAccount.accountName")))
			}
			if e.User == "" {
				e.User = rd.first(o, at("userAccount.userPrincipalName"))
			}
		case typ == "user":
			if e.User == "" {
				e.User = domainUser(rd.str(o, at("domainName")), rd.str(o, at("accountName")))
			}
			if e.User == "" {
				e.User = rd.first(o, at("userPrincipalName"))
			}
		case strings.HasSuffix(typ, "ipevidence") || typ == "ip":
			if e.SrcIP == "" {
				e.SrcIP = rd.ip(o, at("ipAddress"))
			}
		}
	}
	if in.source == "" {
		e.Source = rd.first(o, "serviceSource", "detectionSource", "vendorInformation.provider")
		if e.Source == "" {
			e.Source = "Microsoft Defender"
		}
	}
	e.Device = defenderDevice(rd, o)
	e.FindingTitle = rd.str(o, "title")
	e.FindingUID = rd.first(o, "id", "providerAlertId")
	st := rd.str(o, "status")
	classify(e, scalefield.ClassDetectionFinding, findingActivity(defenderFindingStatus, st), st)
	// Alerts are polled again as they change, under the same id: each
	// poll is the alert as of its last update.
	if e.FindingUID != "" {
		e.VendorEventID = findingEventID(e.FindingUID, rd.first(o, "lastUpdateDateTime", "lastUpdateTime", "lastModifiedDateTime"))
	}
	if rd.err != nil {
		return nil, rd.err
	}
	return finish("defender", in, e)
}

// defenderFindingStatus maps alert status (v2, v1 and Defender for
// Endpoint spellings) to the finding's activity.
var defenderFindingStatus = map[string]int{
	"new": findingCreate, "newalert": findingCreate, "unknown": findingCreate,
	"inprogress": findingUpdate, "resolved": findingClose,
}

// defenderServices names the products behind Graph v2 serviceSource.
var defenderServices = map[string]string{
	"microsoftdefenderforendpoint": "Microsoft Defender for Endpoint", "microsoftdefenderforidentity": "Microsoft Defender for Identity",
	"microsoftdefenderforcloudapps": "Microsoft Defender for Cloud Apps", "microsoftdefenderforoffice365": "Microsoft Defender for Office 365",
	"microsoft365defender": "Microsoft 365 Defender", "microsoftdefenderxdr": "Microsoft Defender XDR",
	"microsoftdefenderforcloud": "Microsoft Defender for Cloud", "azureadidentityprotection": "Microsoft Entra ID Protection",
	"microsoftsentinel": "Microsoft Sentinel", "microsoftappgovernance": "Microsoft App Governance",
}

// defenderDevice names the product that raised the alert: v2's
// serviceSource, v1's vendorInformation, else Defender for Endpoint (the
// alert API's only product) or Microsoft Defender.
func defenderDevice(rd *reader, o map[string]any) string {
	if s := rd.str(o, "serviceSource"); s != "" {
		if d, ok := defenderServices[strings.ToLower(s)]; ok {
			return d
		}
		return "Microsoft " + s
	}
	if p := rd.first(o, "vendorInformation.provider"); p != "" {
		return device(rd.first(o, "vendorInformation.vendor"), p)
	}
	if has(o, "alertCreationTime") {
		return "Microsoft Defender for Endpoint"
	}
	return "Microsoft Defender"
}
