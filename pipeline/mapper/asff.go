package mapper

import (
	"fmt"
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// AWS Security Hub findings in the AWS Security Finding Format (ASFF), as
// EventBridge sends them ({"detail-type":"Security Hub Findings - Imported",
// "detail":{"findings":[…]}}), as GetFindings returns them ({"Findings":
// […]}), as a {"findings":[…]} object, or one finding alone.

// findingsPaths are where a list of findings is found, in order.
var findingsPaths = []string{"findings", "Findings", "detail.findings"}

func findingsValue(o map[string]any) (v any, path string, found bool) {
	for _, p := range findingsPaths {
		if v, ok := lookup(o, p); ok {
			return v, p, true
		}
	}
	return nil, "", false
}

func looseASFF(o map[string]any) bool {
	_, _, found := findingsValue(o)
	return found || has(o, "SchemaVersion") || has(o, "ProductArn") || has(o, "Title") && has(o, "Severity")
}

func strictASFF(o map[string]any) bool {
	if v, _, found := findingsValue(o); found {
		l, _ := v.([]any)
		if len(l) > 0 {
			f, _ := l[0].(map[string]any)
			return has(f, "SchemaVersion") || has(f, "ProductArn")
		}
		return o["source"] == "aws.securityhub"
	}
	return has(o, "SchemaVersion") && has(o, "ProductArn")
}

// mapASFF maps the one finding of o. Every finding of a list is read, so
// that an error names the first bad one, but a list of more than one is an
// error: a Bronze record gives one Silver event.
func mapASFF(in *input, o map[string]any) (*scalefield.SecurityEvent, error) {
	v, path, found := findingsValue(o)
	if !found {
		if !has(o, "SchemaVersion") && !has(o, "ProductArn") && !has(o, "Id") && !has(o, "Title") {
			return nil, fmt.Errorf("asff: neither a findings list nor a finding (no SchemaVersion, ProductArn, Id or Title)")
		}
		return mapFinding(in, &reader{prefix: "asff: finding: "}, o)
	}
	l, ok := v.([]any)
	switch {
	case !ok:
		return nil, fmt.Errorf("asff: %s is %s, not an array", path, kind(v))
	case len(l) == 0:
		return nil, fmt.Errorf("asff: %s is empty", path)
	}
	var first *scalefield.SecurityEvent
	for i, fv := range l {
		f, ok := fv.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("asff: %s[%d] is %s, not an object", path, i, kind(fv))
		}
		e, err := mapFinding(in, &reader{prefix: fmt.Sprintf("asff: %s[%d]: ", path, i)}, f)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = e
		}
	}
	if len(l) > 1 {
		return nil, fmt.Errorf("asff: %s holds %d findings; only events with one finding are mapped, as EventBridge sends them (the record stays in Bronze)", path, len(l))
	}
	return first, nil
}

var asffLabels = map[string]scalefield.Severity{
	"INFORMATIONAL": scalefield.SeverityInfo, "LOW": scalefield.SeverityLow, "MEDIUM": scalefield.SeverityMedium,
	"HIGH": scalefield.SeverityHigh, "CRITICAL": scalefield.SeverityCritical,
}

// asffNormalized maps Severity.Normalized (0-100) as ASFF defines the
// labels: 0 informational, 1-39 low, 40-69 medium, 70-89 high, 90-100
// critical.
func asffNormalized(n float64) (scalefield.Severity, bool) {
	switch {
	case n < 0 || n > 100:
		return "", false
	case n < 1:
		return scalefield.SeverityInfo, true
	case n < 40:
		return scalefield.SeverityLow, true
	case n < 70:
		return scalefield.SeverityMedium, true
	case n < 90:
		return scalefield.SeverityHigh, true
	}
	return scalefield.SeverityCritical, true
}

func mapFinding(in *input, rd *reader, f map[string]any) (*scalefield.SecurityEvent, error) {
	e := &scalefield.SecurityEvent{Severity: scalefield.SeverityUnknown}
	e.Time = rd.firstTime(f, "UpdatedAt", "CreatedAt")

	rd.obj(f, "Severity")
	if label := rd.str(f, "Severity.Label"); label != "" {
		sev, ok := asffLabels[strings.ToUpper(label)]
		if !ok {
			rd.fail("Severity.Label", "%q is not a severity (INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL)", clean(label, 64))
		}
		e.Severity = sev
	} else if n, ok := rd.num(f, "Severity.Normalized"); ok {
		sev, ok := asffNormalized(n)
		if !ok {
			rd.fail("Severity.Normalized", "%v is outside 0-100", n)
		}
		e.Severity = sev
	}

	title, desc := rd.str(f, "Title"), rd.str(f, "Description")
	if title == "" && desc == "" && rd.err == nil {
		rd.fail("Title", "is missing, and so is Description")
	}
	e.Message = joinMessage(title, desc)

	resources := rd.objects(rd.list(f, "Resources"), "Resources")
	for i, res := range resources {
		typ, id := rd.str(res, "Type"), rd.str(res, "Id")
		if i == 0 {
			e.Host = id
			if typ == "AwsEc2Instance" {
				if j := strings.LastIndexByte(id, '/'); j >= 0 {
					e.Host = id[j+1:] // arn:aws:ec2:…:instance/i-0abc → i-0abc
				}
			}
		}
		if e.User == "" {
			switch typ {
			case "AwsIamAccessKey":
				e.User = rd.first(res, "Details.AwsIamAccessKey.PrincipalName", "Details.AwsIamAccessKey.UserName")
			case "AwsIamUser":
				e.User = rd.first(res, "Details.AwsIamUser.UserName")
			}
		}
	}

	e.SrcIP = rd.firstIP(f, "Network.SourceIpV4", "Network.SourceIpV6")
	e.DstIP = rd.firstIP(f, "Network.DestinationIpV4", "Network.DestinationIpV6")
	readPort(e, &e.SrcPort, "Network.SourcePort", rd.str(f, "Network.SourcePort"))
	readPort(e, &e.DstPort, "Network.DestinationPort", rd.str(f, "Network.DestinationPort"))
	e.SrcHostname, e.DstHostname = rd.first(f, "Network.SourceDomain"), rd.first(f, "Network.DestinationDomain")
	if e.SrcIP == "" && e.DstIP == "" {
		// GuardDuty and Inspector put the addresses in the action instead.
		remote := rd.firstIP(f, "Action.NetworkConnectionAction.RemoteIpDetails.IpAddressV4",
			"Action.AwsApiCallAction.RemoteIpDetails.IpAddressV4",
			"Action.PortProbeAction.PortProbeDetails.0.RemoteIpDetails.IpAddressV4")
		local := rd.firstIP(f, "Action.NetworkConnectionAction.LocalIpDetails.IpAddressV4",
			"Action.PortProbeAction.PortProbeDetails.0.LocalIpDetails.IpAddressV4")
		e.SrcIP, e.DstIP = remote, local
		if e.SrcPort == 0 && e.DstPort == 0 {
			readPort(e, &e.SrcPort, "Action.NetworkConnectionAction.RemotePortDetails.Port", rd.str(f, "Action.NetworkConnectionAction.RemotePortDetails.Port"))
			readPort(e, &e.DstPort, "Action.NetworkConnectionAction.LocalPortDetails.Port", rd.first(f, "Action.NetworkConnectionAction.LocalPortDetails.Port",
				"Action.PortProbeAction.PortProbeDetails.0.LocalPortDetails.Port"))
		}
		if strings.EqualFold(rd.str(f, "Action.NetworkConnectionAction.ConnectionDirection"), "OUTBOUND") {
			e.SrcIP, e.DstIP = local, remote
			e.SrcPort, e.DstPort = e.DstPort, e.SrcPort
		}
	}
	e.Action = rd.str(f, "Action.ActionType")
	if in.source == "" {
		e.Source = rd.first(f, "ProductName", "ProductArn")
		if e.Source == "" {
			e.Source = "AWS Security Hub"
		}
	}
	e.Device = device(rd.first(f, "CompanyName"), rd.first(f, "ProductName"))
	if e.Device == "" {
		e.Device = asffProduct(rd.str(f, "ProductArn"))
	}
	e.FindingUID, e.FindingTitle = rd.str(f, "Id"), title
	created, updated := rd.str(f, "CreatedAt"), rd.str(f, "UpdatedAt")
	activity := findingCreate
	switch wf := strings.ToUpper(rd.first(f, "Workflow.Status", "WorkflowState")); {
	case strings.EqualFold(rd.str(f, "RecordState"), "ARCHIVED") || wf == "RESOLVED" || wf == "SUPPRESSED":
		activity = findingClose
	case wf == "NOTIFIED" || updated != "" && created != "" && updated != created:
		activity = findingUpdate
	}
	classify(e, scalefield.ClassDetectionFinding, activity, "")
	// Security Hub updates a finding in place under its Id; each import
	// is the finding as of UpdatedAt.
	if e.FindingUID != "" {
		e.VendorEventID = findingEventID(e.FindingUID, firstNonEmpty(updated, created))
	}
	if rd.err != nil {
		return nil, rd.err
	}
	return finish("asff", in, e)
}

// asffProducts name the AWS integrations by their ProductArn suffix.
var asffProducts = map[string]string{
	"aws/securityhub": "AWS Security Hub", "aws/guardduty": "Amazon GuardDuty", "aws/inspector": "Amazon Inspector",
	"aws/macie": "Amazon Macie", "aws/access-analyzer": "AWS IAM Access Analyzer", "aws/config": "AWS Config",
	"aws/firewall-manager": "AWS Firewall Manager", "aws/health": "AWS Health", "aws/ssm-patch-manager": "AWS Systems Manager Patch Manager",
}

// asffProduct names the product of a ProductArn
// ("arn:aws:securityhub:us-east-1::product/aws/guardduty" → Amazon
// GuardDuty; other companies' as "company product"), AWS Security Hub
// when there is none.
func asffProduct(arn string) string {
	_, p, ok := strings.Cut(arn, ":product/")
	if !ok || p == "" {
		return "AWS Security Hub"
	}
	if name, ok := asffProducts[p]; ok {
		return name
	}
	company, product, _ := strings.Cut(p, "/")
	return device(company, product)
}
