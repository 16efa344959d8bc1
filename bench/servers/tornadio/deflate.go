//go:build deflate

package main

import "github.com/tornadio/tornadio"

// deflateOption turns permessage-deflate on, messages from threshold bytes
// compressed, the other settings tornadio's defaults.
func deflateOption(threshold int) (tornadio.Option, error) {
	return tornadio.WithPerMessageDeflate(tornadio.PerMessageDeflate{Threshold: threshold}), nil
}
