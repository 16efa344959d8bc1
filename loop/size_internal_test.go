package loop

import (
	"testing"
	"unsafe"
)

// TestConnSize pins the size of the per-connection context, which every
// idle connection keeps: the allocator rounds it up to its size class (64,
// 80, 96, …), so a word more than 80 bytes costs every connection 16.
func TestConnSize(t *testing.T) {
	if n := unsafe.Sizeof(conn{}); n > 80 {
		t.Errorf("conn is %d bytes, over its budget of 80 (see the comment above)", n)
	}
}
