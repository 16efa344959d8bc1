package loop

import "testing"

// TestOnLoopOnlyForLoops: OnLoop is true on a goroutine noted as a loop's
// and false elsewhere, including on a goroutine MarkNoWait marked (a
// worker may wait for answers; only its posts do not wait); neither kind
// waits for a mailbox.
func TestOnLoopOnlyForLoops(t *testing.T) {
	type marks struct{ onLoop, mayWait bool }
	on := func(mark func()) marks {
		got := make(chan marks)
		go func() {
			if mark != nil {
				mark()
			}
			got <- marks{OnLoop(), mayWait()}
		}()
		return <-got
	}
	if got := on(nil); got != (marks{onLoop: false, mayWait: true}) {
		t.Errorf("plain goroutine: %+v", got)
	}
	if got := on(markLoop); got != (marks{onLoop: true, mayWait: false}) {
		t.Errorf("loop goroutine: %+v", got)
	}
	if got := on(MarkNoWait); got != (marks{onLoop: false, mayWait: false}) {
		t.Errorf("MarkNoWait goroutine: %+v", got)
	}
}
