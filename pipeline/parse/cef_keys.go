package parse

// DataType is the type the CEF standard gives an extension key.
type DataType string

// CEF data types.
const (
	TypeString  DataType = "string"
	TypeInteger DataType = "integer" // 32-bit
	TypeLong    DataType = "long"    // 64-bit
	TypeFloat   DataType = "float"
	TypeDouble  DataType = "double"
	TypeIP      DataType = "ip"   // IPv4 or IPv6 address
	TypeMAC     DataType = "mac"  // MAC address
	TypeTime    DataType = "time" // epoch milliseconds or a CEF date
)

// KeyInfo is one key of the ArcSight CEF extension dictionary.
type KeyInfo struct {
	// Key is the key producers write, e.g. "src"; the same as Name for keys
	// that have no short form.
	Key string
	// Name is the full name, e.g. "sourceAddress", used as Extension.Name.
	Name string
	// Type is the value's type in the standard.
	Type DataType
	// LabelOf is, for a label key such as cs1Label, the Name of the custom
	// field it labels ("deviceCustomString1").
	LabelOf string
}

// dictionary is the extension dictionary of "ArcSight Common Event Format
// (CEF) Implementation Standard" (versions 25 and 26): the keys for
// producers, then the keys it lists for consumers, then catdt.
var dictionary = []KeyInfo{
	{Key: "act", Name: "deviceAction", Type: TypeString},
	{Key: "app", Name: "applicationProtocol", Type: TypeString},
	{Key: "c6a1", Name: "deviceCustomIPv6Address1", Type: TypeIP},
	{Key: "c6a1Label", Name: "deviceCustomIPv6Address1Label", Type: TypeString, LabelOf: "deviceCustomIPv6Address1"},
	{Key: "c6a2", Name: "deviceCustomIPv6Address2", Type: TypeIP},
	{Key: "c6a2Label", Name: "deviceCustomIPv6Address2Label", Type: TypeString, LabelOf: "deviceCustomIPv6Address2"},
	{Key: "c6a3", Name: "deviceCustomIPv6Address3", Type: TypeIP},
	{Key: "c6a3Label", Name: "deviceCustomIPv6Address3Label", Type: TypeString, LabelOf: "deviceCustomIPv6Address3"},
	{Key: "c6a4", Name: "deviceCustomIPv6Address4", Type: TypeIP},
	{Key: "c6a4Label", Name: "deviceCustomIPv6Address4Label", Type: TypeString, LabelOf: "deviceCustomIPv6Address4"},
	{Key: "cat", Name: "deviceEventCategory", Type: TypeString},
	{Key: "cfp1", Name: "deviceCustomFloatingPoint1", Type: TypeFloat},
	{Key: "cfp1Label", Name: "deviceCustomFloatingPoint1Label", Type: TypeString, LabelOf: "deviceCustomFloatingPoint1"},
	{Key: "cfp2", Name: "deviceCustomFloatingPoint2", Type: TypeFloat},
	{Key: "cfp2Label", Name: "deviceCustomFloatingPoint2Label", Type: TypeString, LabelOf: "deviceCustomFloatingPoint2"},
	{Key: "cfp3", Name: "deviceCustomFloatingPoint3", Type: TypeFloat},
	{Key: "cfp3Label", Name: "deviceCustomFloatingPoint3Label", Type: TypeString, LabelOf: "deviceCustomFloatingPoint3"},
	{Key: "cfp4", Name: "deviceCustomFloatingPoint4", Type: TypeFloat},
	{Key: "cfp4Label", Name: "deviceCustomFloatingPoint4Label", Type: TypeString, LabelOf: "deviceCustomFloatingPoint4"},
	{Key: "cn1", Name: "deviceCustomNumber1", Type: TypeLong},
	{Key: "cn1Label", Name: "deviceCustomNumber1Label", Type: TypeString, LabelOf: "deviceCustomNumber1"},
	{Key: "cn2", Name: "deviceCustomNumber2", Type: TypeLong},
	{Key: "cn2Label", Name: "deviceCustomNumber2Label", Type: TypeString, LabelOf: "deviceCustomNumber2"},
	{Key: "cn3", Name: "deviceCustomNumber3", Type: TypeLong},
	{Key: "cn3Label", Name: "deviceCustomNumber3Label", Type: TypeString, LabelOf: "deviceCustomNumber3"},
	{Key: "cnt", Name: "baseEventCount", Type: TypeInteger},
	{Key: "cs1", Name: "deviceCustomString1", Type: TypeString},
	{Key: "cs1Label", Name: "deviceCustomString1Label", Type: TypeString, LabelOf: "deviceCustomString1"},
	{Key: "cs2", Name: "deviceCustomString2", Type: TypeString},
	{Key: "cs2Label", Name: "deviceCustomString2Label", Type: TypeString, LabelOf: "deviceCustomString2"},
	{Key: "cs3", Name: "deviceCustomString3", Type: TypeString},
	{Key: "cs3Label", Name: "deviceCustomString3Label", Type: TypeString, LabelOf: "deviceCustomString3"},
	{Key: "cs4", Name: "deviceCustomString4", Type: TypeString},
	{Key: "cs4Label", Name: "deviceCustomString4Label", Type: TypeString, LabelOf: "deviceCustomString4"},
	{Key: "cs5", Name: "deviceCustomString5", Type: TypeString},
	{Key: "cs5Label", Name: "deviceCustomString5Label", Type: TypeString, LabelOf: "deviceCustomString5"},
	{Key: "cs6", Name: "deviceCustomString6", Type: TypeString},
	{Key: "cs6Label", Name: "deviceCustomString6Label", Type: TypeString, LabelOf: "deviceCustomString6"},
	{Key: "destinationDnsDomain", Name: "destinationDnsDomain", Type: TypeString},
	{Key: "destinationServiceName", Name: "destinationServiceName", Type: TypeString},
	{Key: "destinationTranslatedAddress", Name: "destinationTranslatedAddress", Type: TypeIP},
	{Key: "destinationTranslatedPort", Name: "destinationTranslatedPort", Type: TypeInteger},
	{Key: "deviceCustomDate1", Name: "deviceCustomDate1", Type: TypeTime},
	{Key: "deviceCustomDate1Label", Name: "deviceCustomDate1Label", Type: TypeString, LabelOf: "deviceCustomDate1"},
	{Key: "deviceCustomDate2", Name: "deviceCustomDate2", Type: TypeTime},
	{Key: "deviceCustomDate2Label", Name: "deviceCustomDate2Label", Type: TypeString, LabelOf: "deviceCustomDate2"},
	{Key: "deviceDirection", Name: "deviceDirection", Type: TypeInteger},
	{Key: "deviceDnsDomain", Name: "deviceDnsDomain", Type: TypeString},
	{Key: "deviceExternalId", Name: "deviceExternalId", Type: TypeString},
	{Key: "deviceFacility", Name: "deviceFacility", Type: TypeString},
	{Key: "deviceInboundInterface", Name: "deviceInboundInterface", Type: TypeString},
	{Key: "deviceNtDomain", Name: "deviceNtDomain", Type: TypeString},
	{Key: "deviceOutboundInterface", Name: "deviceOutboundInterface", Type: TypeString},
	{Key: "devicePayloadId", Name: "devicePayloadId", Type: TypeString},
	{Key: "deviceProcessName", Name: "deviceProcessName", Type: TypeString},
	{Key: "deviceTranslatedAddress", Name: "deviceTranslatedAddress", Type: TypeIP},
	{Key: "dhost", Name: "destinationHostName", Type: TypeString},
	{Key: "dmac", Name: "destinationMacAddress", Type: TypeMAC},
	{Key: "dntdom", Name: "destinationNtDomain", Type: TypeString},
	{Key: "dpid", Name: "destinationProcessId", Type: TypeInteger},
	{Key: "dpriv", Name: "destinationUserPrivileges", Type: TypeString},
	{Key: "dproc", Name: "destinationProcessName", Type: TypeString},
	{Key: "dpt", Name: "destinationPort", Type: TypeInteger},
	{Key: "dst", Name: "destinationAddress", Type: TypeIP},
	{Key: "dtz", Name: "deviceTimeZone", Type: TypeString},
	{Key: "duid", Name: "destinationUserId", Type: TypeString},
	{Key: "duser", Name: "destinationUserName", Type: TypeString},
	{Key: "dvc", Name: "deviceAddress", Type: TypeIP},
	{Key: "dvchost", Name: "deviceHostName", Type: TypeString},
	{Key: "dvcmac", Name: "deviceMacAddress", Type: TypeMAC},
	{Key: "dvcpid", Name: "deviceProcessId", Type: TypeInteger},
	{Key: "end", Name: "endTime", Type: TypeTime},
	{Key: "externalId", Name: "externalId", Type: TypeString},
	{Key: "fileCreateTime", Name: "fileCreateTime", Type: TypeTime},
	{Key: "fileHash", Name: "fileHash", Type: TypeString},
	{Key: "fileId", Name: "fileId", Type: TypeString},
	{Key: "fileModificationTime", Name: "fileModificationTime", Type: TypeTime},
	{Key: "filePath", Name: "filePath", Type: TypeString},
	{Key: "filePermission", Name: "filePermission", Type: TypeString},
	{Key: "fileType", Name: "fileType", Type: TypeString},
	{Key: "flexDate1", Name: "flexDate1", Type: TypeTime},
	{Key: "flexDate1Label", Name: "flexDate1Label", Type: TypeString, LabelOf: "flexDate1"},
	{Key: "flexNumber1", Name: "flexNumber1", Type: TypeLong},
	{Key: "flexNumber1Label", Name: "flexNumber1Label", Type: TypeString, LabelOf: "flexNumber1"},
	{Key: "flexNumber2", Name: "flexNumber2", Type: TypeLong},
	{Key: "flexNumber2Label", Name: "flexNumber2Label", Type: TypeString, LabelOf: "flexNumber2"},
	{Key: "flexString1", Name: "flexString1", Type: TypeString},
	{Key: "flexString1Label", Name: "flexString1Label", Type: TypeString, LabelOf: "flexString1"},
	{Key: "flexString2", Name: "flexString2", Type: TypeString},
	{Key: "flexString2Label", Name: "flexString2Label", Type: TypeString, LabelOf: "flexString2"},
	{Key: "fname", Name: "fileName", Type: TypeString},
	{Key: "fsize", Name: "fileSize", Type: TypeInteger},
	{Key: "in", Name: "bytesIn", Type: TypeInteger},
	{Key: "msg", Name: "message", Type: TypeString},
	{Key: "oldFileCreateTime", Name: "oldFileCreateTime", Type: TypeTime},
	{Key: "oldFileHash", Name: "oldFileHash", Type: TypeString},
	{Key: "oldFileId", Name: "oldFileId", Type: TypeString},
	{Key: "oldFileModificationTime", Name: "oldFileModificationTime", Type: TypeTime},
	{Key: "oldFileName", Name: "oldFileName", Type: TypeString},
	{Key: "oldFilePath", Name: "oldFilePath", Type: TypeString},
	{Key: "oldFilePermission", Name: "oldFilePermission", Type: TypeString},
	{Key: "oldFileSize", Name: "oldFileSize", Type: TypeInteger},
	{Key: "oldFileType", Name: "oldFileType", Type: TypeString},
	{Key: "out", Name: "bytesOut", Type: TypeInteger},
	{Key: "outcome", Name: "eventOutcome", Type: TypeString},
	{Key: "proto", Name: "transportProtocol", Type: TypeString},
	{Key: "reason", Name: "reason", Type: TypeString},
	{Key: "request", Name: "requestUrl", Type: TypeString},
	{Key: "requestClientApplication", Name: "requestClientApplication", Type: TypeString},
	{Key: "requestContext", Name: "requestContext", Type: TypeString},
	{Key: "requestCookies", Name: "requestCookies", Type: TypeString},
	{Key: "requestMethod", Name: "requestMethod", Type: TypeString},
	{Key: "rt", Name: "deviceReceiptTime", Type: TypeTime},
	{Key: "shost", Name: "sourceHostName", Type: TypeString},
	{Key: "smac", Name: "sourceMacAddress", Type: TypeMAC},
	{Key: "sntdom", Name: "sourceNtDomain", Type: TypeString},
	{Key: "sourceDnsDomain", Name: "sourceDnsDomain", Type: TypeString},
	{Key: "sourceServiceName", Name: "sourceServiceName", Type: TypeString},
	{Key: "sourceTranslatedAddress", Name: "sourceTranslatedAddress", Type: TypeIP},
	{Key: "sourceTranslatedPort", Name: "sourceTranslatedPort", Type: TypeInteger},
	{Key: "spid", Name: "sourceProcessId", Type: TypeInteger},
	{Key: "spriv", Name: "sourceUserPrivileges", Type: TypeString},
	{Key: "sproc", Name: "sourceProcessName", Type: TypeString},
	{Key: "spt", Name: "sourcePort", Type: TypeInteger},
	{Key: "src", Name: "sourceAddress", Type: TypeIP},
	{Key: "start", Name: "startTime", Type: TypeTime},
	{Key: "suid", Name: "sourceUserId", Type: TypeString},
	{Key: "suser", Name: "sourceUserName", Type: TypeString},
	{Key: "type", Name: "type", Type: TypeInteger},
	{Key: "agentDnsDomain", Name: "agentDnsDomain", Type: TypeString},
	{Key: "agentNtDomain", Name: "agentNtDomain", Type: TypeString},
	{Key: "agentTranslatedAddress", Name: "agentTranslatedAddress", Type: TypeIP},
	{Key: "agentTranslatedZoneExternalID", Name: "agentTranslatedZoneExternalID", Type: TypeString},
	{Key: "agentTranslatedZoneURI", Name: "agentTranslatedZoneURI", Type: TypeString},
	{Key: "agentZoneExternalID", Name: "agentZoneExternalID", Type: TypeString},
	{Key: "agentZoneURI", Name: "agentZoneURI", Type: TypeString},
	{Key: "agt", Name: "agentAddress", Type: TypeIP},
	{Key: "ahost", Name: "agentHostName", Type: TypeString},
	{Key: "aid", Name: "agentId", Type: TypeString},
	{Key: "amac", Name: "agentMacAddress", Type: TypeMAC},
	{Key: "art", Name: "agentReceiptTime", Type: TypeTime},
	{Key: "at", Name: "agentType", Type: TypeString},
	{Key: "atz", Name: "agentTimeZone", Type: TypeString},
	{Key: "av", Name: "agentVersion", Type: TypeString},
	{Key: "customerExternalID", Name: "customerExternalID", Type: TypeString},
	{Key: "customerURI", Name: "customerURI", Type: TypeString},
	{Key: "destinationTranslatedZoneExternalID", Name: "destinationTranslatedZoneExternalID", Type: TypeString},
	{Key: "destinationTranslatedZoneURI", Name: "destinationTranslatedZoneURI", Type: TypeString},
	{Key: "destinationZoneExternalID", Name: "destinationZoneExternalID", Type: TypeString},
	{Key: "destinationZoneURI", Name: "destinationZoneURI", Type: TypeString},
	{Key: "deviceTranslatedZoneExternalID", Name: "deviceTranslatedZoneExternalID", Type: TypeString},
	{Key: "deviceTranslatedZoneURI", Name: "deviceTranslatedZoneURI", Type: TypeString},
	{Key: "deviceZoneExternalID", Name: "deviceZoneExternalID", Type: TypeString},
	{Key: "deviceZoneURI", Name: "deviceZoneURI", Type: TypeString},
	{Key: "dlat", Name: "destinationGeoLatitude", Type: TypeDouble},
	{Key: "dlong", Name: "destinationGeoLongitude", Type: TypeDouble},
	{Key: "eventId", Name: "eventId", Type: TypeLong},
	{Key: "rawEvent", Name: "rawEvent", Type: TypeString},
	{Key: "slat", Name: "sourceGeoLatitude", Type: TypeDouble},
	{Key: "slong", Name: "sourceGeoLongitude", Type: TypeDouble},
	{Key: "sourceTranslatedZoneExternalID", Name: "sourceTranslatedZoneExternalID", Type: TypeString},
	{Key: "sourceTranslatedZoneURI", Name: "sourceTranslatedZoneURI", Type: TypeString},
	{Key: "sourceZoneExternalID", Name: "sourceZoneExternalID", Type: TypeString},
	{Key: "sourceZoneURI", Name: "sourceZoneURI", Type: TypeString},
	{Key: "catdt", Name: "categoryDeviceType", Type: TypeString},
}

// keyAliases are other spellings found in the standard's own tables and in
// the field, mapped to the dictionary's full name.
var keyAliases = map[string]string{
	"filename":                "fileName",
	"Reason":                  "reason",
	"C6a4Label":               "deviceCustomIPv6Address4Label",
	"DeviceOutboundInterface": "deviceOutboundInterface",
	"DevicePayloadId":         "devicePayloadId",
}

// keyIndex finds a dictionary entry by short key, full name or alias.
var keyIndex = func() map[string]*KeyInfo {
	m := make(map[string]*KeyInfo, 2*len(dictionary)+len(keyAliases))
	for i := range dictionary {
		k := &dictionary[i]
		m[k.Key], m[k.Name] = k, k
	}
	for alias, name := range keyAliases {
		m[alias] = m[name]
	}
	return m
}()

// LookupKey finds a CEF extension key in the dictionary by its short key
// ("src"), its full name ("sourceAddress") or a known alias.
func LookupKey(key string) (KeyInfo, bool) {
	if k, ok := keyIndex[key]; ok {
		return *k, true
	}
	return KeyInfo{}, false
}

// Dictionary returns a copy of the CEF extension dictionary, in the
// standard's order.
func Dictionary() []KeyInfo {
	return append([]KeyInfo(nil), dictionary...)
}
