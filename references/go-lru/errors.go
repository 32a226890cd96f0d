package main

import (
	"fmt"
	"net/http"
)

// apiError is a request the service refuses: an HTTP status and one line saying why.
type apiError struct {
	status  int
	message string
}

func (e *apiError) Error() string { return e.message }

func badRequest(format string, args ...interface{}) *apiError {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func unavailable(message string) *apiError {
	return &apiError{http.StatusServiceUnavailable, message}
}

func storeFailingError(cause string) *apiError {
	return unavailable("store failing: " + cause)
}

var errShuttingDown = unavailable("the service is shutting down")
