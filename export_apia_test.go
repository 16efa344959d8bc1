package tornadio

import "github.com/tornadio/tornadio/loop"

// ServingForTest reports whether a Server's or an EngineServer's event
// loops serve (Start has returned in whichever goroutine called it).
func ServingForTest(s interface{ startedEngine() *loop.Engine }) bool {
	return s.startedEngine() != nil
}
