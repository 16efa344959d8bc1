package streams

import (
	"fmt"
	"regexp"
	"strconv"
)

// placeholderRE matches a Socket.IO placeholder as tornadio writes it.
var placeholderRE = regexp.MustCompile(`\{"_placeholder":true,"num":(\d+)\}`)

// buffersAsJSON replaces each placeholder of data with what JSON.stringify
// writes for a Node Buffer, {"type":"Buffer","data":[bytes…]}: the form
// binary takes in a stream entry when the adapter is plaintext only.
func buffersAsJSON(data []byte, atts [][]byte) ([]byte, error) {
	var err error
	out := placeholderRE.ReplaceAllFunc(data, func(ph []byte) []byte {
		n, _ := strconv.Atoi(string(placeholderRE.FindSubmatch(ph)[1]))
		if n >= len(atts) {
			err = fmt.Errorf("placeholder %d of %d attachments", n, len(atts))
			return ph
		}
		b := []byte(`{"type":"Buffer","data":[`)
		for i, c := range atts[n] {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, uint64(c), 10)
		}
		return append(b, "]}"...)
	})
	return out, err
}
