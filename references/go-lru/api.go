package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// The read-state HTTP API: routes and request validation, apart from the server that runs
// them. Every check happens before any state changes, so a bad request changes nothing.
//
//	POST /messages                  {"authorId", "channelId", "messageId", "mentions": [userId]}
//	POST /acks                      {"userId", "channelId", "messageId"}
//	GET  /read-states/:user/:channel
//	POST /users/:user/reconnect     {"channelIds": [channelId]}
//	GET  /health
//	GET  /stats

const (
	// maxBody is the largest body accepted; a reconnect of a thousand channels fits easily.
	maxBody = 64 * 1024
	// maxList is the most ids one list (mentions, reconnect channels) may hold.
	maxList   = 10000
	maxUint32 = 4294967295
	// maxMessageID is 2^53-1, the largest integer a JavaScript number holds exactly.
	maxMessageID = 9007199254740991
)

// routes, in the order /stats lists their latencies.
var routes = []string{"message", "ack", "read", "reconnect", "health", "stats"}

// call is a parsed, valid request.
type call struct {
	route      string
	userID     uint32 // ack, read, reconnect; the author of a message
	channelID  uint32
	messageID  int64
	mentions   []uint32
	channelIDs []uint32
}

// matchRoute names the call a method and (still escaped) path ask for, before the body is
// read, with the path's parameters.
func matchRoute(method, path string) (route string, params []string, err error) {
	parts := strings.Split(path, "/")
	allowed := http.MethodPost
	switch {
	case path == "/messages":
		route = "message"
	case path == "/acks":
		route = "ack"
	case len(parts) == 4 && parts[0] == "" && parts[1] == "read-states" && parts[2] != "" && parts[3] != "":
		route, params, allowed = "read", parts[2:], http.MethodGet
	case len(parts) == 4 && parts[0] == "" && parts[1] == "users" && parts[2] != "" && parts[3] == "reconnect":
		route, params = "reconnect", parts[2:3]
	case path == "/health":
		route, allowed = "health", http.MethodGet
	case path == "/stats":
		route, allowed = "stats", http.MethodGet
	default:
		return "", nil, &apiError{http.StatusNotFound, fmt.Sprintf("no route %s %s", method, path)}
	}
	if method != allowed {
		return "", nil, &apiError{http.StatusMethodNotAllowed, fmt.Sprintf("%s takes %s, not %s", path, allowed, method)}
	}
	return route, params, nil
}

// parseCall checks a call's body and path parameters.
func parseCall(route string, params []string, body []byte) (*call, error) {
	c := &call{route: route}
	var err error
	switch route {
	case "read":
		if c.userID, err = pathID(params[0], "user"); err != nil {
			return nil, err
		}
		c.channelID, err = pathID(params[1], "channel")
	case "reconnect":
		var obj map[string]json.RawMessage
		if obj, err = jsonObject(body); err != nil {
			return nil, err
		}
		if c.userID, err = pathID(params[0], "user"); err != nil {
			return nil, err
		}
		c.channelIDs, err = idList(obj, "channelIds")
	case "ack":
		var obj map[string]json.RawMessage
		if obj, err = jsonObject(body); err != nil {
			return nil, err
		}
		if c.userID, err = id(obj, "userId"); err != nil {
			return nil, err
		}
		if c.channelID, err = id(obj, "channelId"); err != nil {
			return nil, err
		}
		c.messageID, err = messageID(obj)
	case "message":
		var obj map[string]json.RawMessage
		if obj, err = jsonObject(body); err != nil {
			return nil, err
		}
		if c.userID, err = id(obj, "authorId"); err != nil {
			return nil, err
		}
		if c.channelID, err = id(obj, "channelId"); err != nil {
			return nil, err
		}
		if c.messageID, err = messageID(obj); err != nil {
			return nil, err
		}
		c.mentions, err = idList(obj, "mentions")
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

func jsonObject(body []byte) (map[string]json.RawMessage, error) {
	if !json.Valid(body) {
		return nil, badRequest("the body is not valid JSON")
	}
	var obj map[string]json.RawMessage
	// "null" decodes into a nil map without an error: it is not an object either.
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, badRequest("the body must be a JSON object")
	}
	return obj, nil
}

// pathID accepts 1 to 10 ASCII digits naming a 32-bit id, like the Node service's
// /^\d{1,10}$/ check.
func pathID(raw, what string) (uint32, error) {
	bad := badRequest("the %s id in the path must be an integer from 0 to 4294967295", what)
	if len(raw) < 1 || len(raw) > 10 {
		return 0, bad
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] < '0' || raw[i] > '9' {
			return 0, bad
		}
	}
	v, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || v > maxUint32 {
		return 0, bad
	}
	return uint32(v), nil
}

// number reads a JSON number the way JavaScript's JSON.parse does (as a float64), so that
// 7.0 and 1e3 are the integers 7 and 1000 in both services. Anything else (a string, null,
// a bool, an array, an object, a missing field) is not a number.
func number(raw json.RawMessage) (float64, bool) {
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return 0, false
	}
	// A valid JSON number always parses; out of range it gives ±Inf (rejected below) or 0.
	v, _ := strconv.ParseFloat(string(raw), 64)
	return v, !math.IsInf(v, 0) && !math.IsNaN(v)
}

func uint32Value(raw json.RawMessage) (uint32, bool) {
	v, ok := number(raw)
	if !ok || v != math.Trunc(v) || v < 0 || v > maxUint32 {
		return 0, false
	}
	return uint32(v), true
}

func id(obj map[string]json.RawMessage, name string) (uint32, error) {
	v, ok := uint32Value(obj[name])
	if !ok {
		return 0, badRequest("%q must be an integer from 0 to 4294967295", name)
	}
	return v, nil
}

func messageID(obj map[string]json.RawMessage) (int64, error) {
	v, ok := number(obj["messageId"])
	if !ok || v != math.Trunc(v) || v < 0 || v > maxMessageID {
		return 0, badRequest(`"messageId" must be an integer from 0 to 2^53 - 1`)
	}
	return int64(v), nil
}

func idList(obj map[string]json.RawMessage, name string) ([]uint32, error) {
	bad := badRequest("%q must be an array of at most %d ids from 0 to 4294967295", name, maxList)
	raw := obj[name]
	if len(raw) == 0 || raw[0] != '[' {
		return nil, bad
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || len(items) > maxList {
		return nil, bad
	}
	ids := make([]uint32, len(items))
	for i, item := range items {
		v, ok := uint32Value(item)
		if !ok {
			return nil, bad
		}
		ids[i] = v
	}
	return ids, nil
}
