//go:build !linux

package clustertest

import "os/exec"

func setParentDeathSignal(cmd *exec.Cmd) {}
