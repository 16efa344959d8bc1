package redistest

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has the kernel kill redis-server if the test binary
// dies without running its cleanups (a panic, a timeout), so that no server
// outlives its test.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
