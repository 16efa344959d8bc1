//go:build !linux

package redistest

import "os/exec"

// setParentDeathSignal has no portable equivalent outside Linux; the test's
// cleanup stops the server.
func setParentDeathSignal(cmd *exec.Cmd) {}
