//go:build !deflate

package main

import (
	"errors"

	"github.com/tornadio/tornadio"
)

// deflateOption fails: this build has no permessage-deflate (build with
// -tags deflate).
func deflateOption(threshold int) (tornadio.Option, error) {
	return nil, errors.New("-deflate: built without permessage-deflate (go build -tags deflate)")
}
