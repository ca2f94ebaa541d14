package store

// AppendActivityJSONForTest exposes appendActivityJSON to the external tests.
var AppendActivityJSONForTest = appendActivityJSON
