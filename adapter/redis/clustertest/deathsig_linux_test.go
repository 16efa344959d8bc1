package clustertest

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has the kernel kill a Node process if the test binary
// dies without running its cleanups.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
