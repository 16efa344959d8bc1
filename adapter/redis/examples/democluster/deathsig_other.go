//go:build !linux

package main

import "syscall"

// setParentDeathSignal does nothing where the kernel has no parent death
// signal: the launcher's own stop is then the only one.
func setParentDeathSignal(*syscall.SysProcAttr) {}
