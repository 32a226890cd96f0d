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
func serialiseRequests(file *requestFile, host, basePath string) *wireRequests {
	size := 0
	for _, s := range file.spans {
		size += len("GET ") + len(basePath) + int(s.bodyStart-s.pathStart) + len(" HTTP/1.1\r\nHost: ") + len(host) + len("\r\n\r\n")
		if s.method == methodPOST {
			size += 1 + len(postHeaders) + decimalDigits(s.bodyEnd-s.bodyStart) + int(s.bodyEnd-s.bodyStart)
		}
	}
	w := &wireRequests{arena: make([]byte, 0, size), offsets: make([]int, 0, file.count()+1)}
	for _, s := range file.spans {
		w.offsets = append(w.offsets, len(w.arena))
		if s.method == methodPOST {
			w.arena = append(w.arena, "POST "...)
		} else {
			w.arena = append(w.arena, "GET "...)
		}
		w.arena = append(w.arena, basePath...)
		w.arena = append(w.arena, file.data[s.pathStart:s.bodyStart]...)
		w.arena = append(w.arena, " HTTP/1.1\r\nHost: "...)
		w.arena = append(w.arena, host...)
		if s.method == methodPOST {
			w.arena = append(w.arena, postHeaders...)
			w.arena = strconv.AppendUint(w.arena, uint64(s.bodyEnd-s.bodyStart), 10)
		}
		w.arena = append(w.arena, "\r\n\r\n"...)
		w.arena = append(w.arena, file.data[s.bodyStart:s.bodyEnd]...)
	}
	w.offsets = append(w.offsets, len(w.arena))
	return w
}

// postHeaders follow the Host header of every POST, before its body's length.
const postHeaders = "\r\nContent-Type: application/json\r\nContent-Length: "

func decimalDigits(n uint32) int {
	digits := 1
	for ; n >= 10; n /= 10 {
		digits++
	}
	return digits
}
