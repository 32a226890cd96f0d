package main

import "strconv"

// wireRequests holds every request already written out as HTTP/1.1 bytes, one arena and its
// offsets, so the hot path only hands a slice to write(2) and the GC has no pointers to scan.
type wireRequests struct {
	arena   []byte
	offsets []int // request i is arena[offsets[i]:offsets[i+1]]
}

func (w *wireRequests) count() int { return len(w.offsets) - 1 }

func (w *wireRequests) bytes(i int) []byte { return w.arena[w.offsets[i]:w.offsets[i+1]] }

// serialiseRequests writes each request as it goes on the wire: basePath (the URL's own path,
// no trailing slash) before each request's path, Host as given, and JSON headers on a POST.
func serialiseRequests(requests []fileRequest, host, basePath string) *wireRequests {
	size := 0
	for _, r := range requests {
		size += len(basePath) + len(r.path) + len(r.body) + len(host) + 96
	}
	w := &wireRequests{arena: make([]byte, 0, size), offsets: make([]int, 0, len(requests)+1)}
	for _, r := range requests {
		w.offsets = append(w.offsets, len(w.arena))
		if r.method == methodPOST {
			w.arena = append(w.arena, "POST "...)
		} else {
			w.arena = append(w.arena, "GET "...)
		}
		w.arena = append(w.arena, basePath...)
		w.arena = append(w.arena, r.path...)
		w.arena = append(w.arena, " HTTP/1.1\r\nHost: "...)
		w.arena = append(w.arena, host...)
		if r.method == methodPOST {
			w.arena = append(w.arena, "\r\nContent-Type: application/json\r\nContent-Length: "...)
			w.arena = strconv.AppendInt(w.arena, int64(len(r.body)), 10)
		}
		w.arena = append(w.arena, "\r\n\r\n"...)
		w.arena = append(w.arena, r.body...)
	}
	w.offsets = append(w.offsets, len(w.arena))
	return w
}
