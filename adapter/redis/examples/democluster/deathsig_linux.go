package main

import "syscall"

// setParentDeathSignal has the kernel kill a child if the launcher dies
// without stopping it (SIGKILL, a crash), so that no child outlives it.
func setParentDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
