package ingest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// HEC status codes, as Splunk's HTTP Event Collector replies them, with
// the HTTP status each goes with (see hecCodes).
const (
	hecSuccess            = 0
	hecTokenDisabled      = 1
	hecTokenRequired      = 2
	hecInvalidAuth        = 3
	hecInvalidToken       = 4
	hecNoData             = 5
	hecInvalidFormat      = 6
	hecIncorrectIndex     = 7
	hecInternalError      = 8
	hecServerBusy         = 9
	hecChannelMissing     = 10
	hecInvalidChannel     = 11
	hecEventRequired      = 12
	hecEventBlank         = 13
	hecAckDisabled        = 14
	hecIndexedFieldError  = 15
	hecQueryTokenDisabled = 16
	hecHealthy            = 17
	hecQueuesFull         = 18
)

var hecCodes = map[int]struct {
	status int
	text   string
}{
	hecSuccess:            {http.StatusOK, "Success"},
	hecTokenDisabled:      {http.StatusForbidden, "Token disabled"},
	hecTokenRequired:      {http.StatusUnauthorized, "Token is required"},
	hecInvalidAuth:        {http.StatusUnauthorized, "Invalid authorization"},
	hecInvalidToken:       {http.StatusForbidden, "Invalid token"},
	hecNoData:             {http.StatusBadRequest, "No data"},
	hecInvalidFormat:      {http.StatusBadRequest, "Invalid data format"},
	hecIncorrectIndex:     {http.StatusBadRequest, "Incorrect index"},
	hecInternalError:      {http.StatusInternalServerError, "Internal server error"},
	hecServerBusy:         {http.StatusServiceUnavailable, "Server is busy"},
	hecChannelMissing:     {http.StatusBadRequest, "Data channel is missing"},
	hecInvalidChannel:     {http.StatusBadRequest, "Invalid data channel"},
	hecEventRequired:      {http.StatusBadRequest, "Event field is required"},
	hecEventBlank:         {http.StatusBadRequest, "Event field cannot be blank"},
	hecAckDisabled:        {http.StatusBadRequest, "ACK is disabled"},
	hecIndexedFieldError:  {http.StatusBadRequest, "Error in handling indexed fields"},
	hecQueryTokenDisabled: {http.StatusBadRequest, "Query string authorization is not enabled"},
	hecHealthy:            {http.StatusOK, "HEC is healthy"},
	hecQueuesFull:         {http.StatusServiceUnavailable, "HEC is unhealthy, queues are full"},
}

type hecReply struct {
	Text               string `json:"text"`
	Code               int    `json:"code"`
	InvalidEventNumber *int   `json:"invalid-event-number,omitempty"`
	AckID              *int64 `json:"ackId,omitempty"`
}

// writeHEC writes the reply for code with its HTTP status. invalidEvent
// and ackID are included when not nil.
func (h *HEC) writeHEC(w http.ResponseWriter, channel string, code int, invalidEvent *int, ackID *int64) {
	c := hecCodes[code]
	ingestRequests.WithLabelValues(channel, strconv.Itoa(code)).Inc()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	if c.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(int(max(h.Config.RetryAfter.Seconds(), 1))))
	}
	w.WriteHeader(c.status)
	_ = json.NewEncoder(w).Encode(hecReply{Text: c.text, Code: code, InvalidEventNumber: invalidEvent, AckID: ackID})
}

// writeTooLarge answers a body above MaxBodyBytes.
func (h *HEC) writeTooLarge(w http.ResponseWriter, channel string) {
	ingestRequests.WithLabelValues(channel, "413").Inc()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	_ = json.NewEncoder(w).Encode(hecReply{
		Text: "Content too large (maximum is " + strconv.FormatInt(h.Config.MaxBodyBytes, 10) + " bytes)",
		Code: hecInvalidFormat,
	})
}
