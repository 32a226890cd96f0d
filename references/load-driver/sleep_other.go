//go:build !linux

package main

import "time"

// Elsewhere than Linux the driver sleeps on Go's timers and spins a little longer than it would
// need to on Linux; the lab measures on Linux.
func tightenTimerSlack() {}

func preciseSleep(ns int64) { time.Sleep(time.Duration(ns)) }
