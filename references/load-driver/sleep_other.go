//go:build !linux

package main

import "time"

// Elsewhere than Linux the sender sleeps on Go's timers, which may wake it later than the spin
// covers; the lab measures on Linux.
func sleepPrecisely(ns int64) { time.Sleep(time.Duration(ns)) }
