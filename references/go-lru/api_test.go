package main

import (
	"net/http"
	"testing"
)

func status(err error) int {
	if e, ok := err.(*apiError); ok {
		return e.status
	}
	return 0
}

func TestMatchRoute(t *testing.T) {
	cases := []struct {
		method, path string
		route        string
		status       int
	}{
		{"POST", "/acks", "ack", 0},
		{"GET", "/acks", "", http.StatusMethodNotAllowed},
		{"GET", "/read-states/7/70", "read", 0},
		{"DELETE", "/read-states/7/70", "", http.StatusMethodNotAllowed},
		{"GET", "/read-states/7", "", http.StatusNotFound},
		{"GET", "/read-states/7/70/", "", http.StatusNotFound},
		{"POST", "/users/x/reconnect", "reconnect", 0},
		{"GET", "/health", "health", 0},
		{"POST", "/nowhere", "", http.StatusNotFound},
	}
	for _, c := range cases {
		route, _, err := matchRoute(c.method, c.path)
		if route != c.route || status(err) != c.status {
			t.Errorf("%s %s: route %q status %d", c.method, c.path, route, status(err))
		}
	}
}

func TestParseCallRefusesWhatTheNodeServiceRefuses(t *testing.T) {
	bad := []string{
		``, `null`, `[1,2,3]`, `7`, `"x"`, `{"userId": 7, "channelId": 70, "messageId": `,
		`{"userId":-1,"channelId":70,"messageId":5}`,
		`{"userId":4294967296,"channelId":70,"messageId":5}`,
		`{"userId":1.5,"channelId":70,"messageId":5}`,
		`{"userId":"7","channelId":70,"messageId":5}`,
		`{"userId":null,"channelId":70,"messageId":5}`,
		`{"userId":true,"channelId":70,"messageId":5}`,
		`{"userId":[],"channelId":70,"messageId":5}`,
		`{"userId":{},"channelId":70,"messageId":5}`,
		`{"userId":7,"channelId":70,"messageId":9007199254740992}`,
		`{"userId":7,"channelId":70,"messageId":-1}`,
		`{"userId":7,"channelId":70,"messageId":1e400}`,
		`{"userId":7,"channelId":70}`,
	}
	for _, body := range bad {
		if _, err := parseCall("ack", nil, []byte(body)); status(err) != http.StatusBadRequest {
			t.Errorf("%s: %v", body, err)
		}
	}
	c, err := parseCall("ack", nil, []byte(`{"userId":4294967295,"channelId":1e3,"messageId":9007199254740991.0}`))
	if err != nil || c.userID != 4294967295 || c.channelID != 1000 || c.messageID != 9007199254740991 {
		t.Fatalf("edge values: %+v %v", c, err)
	}
	for _, id := range []string{"-1", "4294967296", "1.5", "x", "%20", "99999999999", "0x10", "%37", "+7"} {
		if _, err := parseCall("read", []string{id, "70"}, nil); status(err) != http.StatusBadRequest {
			t.Errorf("path id %q: %v", id, err)
		}
	}
	if _, err := parseCall("message", nil, []byte(`{"authorId":7,"channelId":70,"messageId":9,"mentions":"all"}`)); status(err) != http.StatusBadRequest {
		t.Errorf("mentions must be an array: %v", err)
	}
	c, err = parseCall("message", nil, []byte(`{"authorId":7,"channelId":70,"messageId":9,"mentions":[7,9,7]}`))
	if err != nil || len(c.mentions) != 3 {
		t.Fatalf("mentions: %+v %v", c, err)
	}
}
