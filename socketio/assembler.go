package socketio

// Assembler collects a binary packet (BINARY_EVENT or BINARY_ACK) and the
// attachments that follow it, each a binary Engine.IO message. Its buffers
// are reused from one packet to the next. The zero value is ready to use.
type Assembler struct {
	pkt   Packet
	nsp   []byte
	data  []byte
	atts  [][]byte
	want  int
	state asmState
}

type asmState uint8

const (
	asmIdle asmState = iota
	asmPending
	asmDone
)

// Start begins a binary packet that expects p.Attachments buffers,
// discarding any packet in progress. It copies p.Namespace and p.Data
// (which are views). If p.Attachments is 0 (or negative) the packet is
// complete at once: Pending reports false and Packet is valid.
func (a *Assembler) Start(p Packet) {
	a.nsp = append(a.nsp[:0], p.Namespace...)
	if p.Data != nil {
		a.data = append(a.data[:0], p.Data...)
		p.Data = a.data
	}
	p.Namespace = a.nsp
	a.pkt = p
	a.atts = a.atts[:0]
	a.want = p.Attachments
	a.state = asmPending
	if a.want <= 0 {
		a.state = asmDone
	}
}

// Pending reports whether a packet has been started and still waits for
// attachments.
func (a *Assembler) Pending() bool { return a.state == asmPending }

// Add appends one attachment, copying b. It returns done=true when the last
// expected attachment has arrived; Packet and Attachments are then valid
// until the next Reset or Start. Add without a pending packet returns
// ErrBadAttachment.
func (a *Assembler) Add(b []byte) (done bool, err error) {
	if a.state != asmPending {
		return false, ErrBadAttachment
	}
	n := len(a.atts)
	if n < cap(a.atts) {
		a.atts = a.atts[:n+1]
	} else {
		a.atts = append(a.atts, nil)
	}
	buf := a.atts[n]
	if buf == nil {
		buf = make([]byte, 0, len(b))
	}
	a.atts[n] = append(buf[:0], b...)
	if len(a.atts) == a.want {
		a.state = asmDone
		return true, nil
	}
	return false, nil
}

// Packet returns the assembled packet; Namespace and Data point into the
// Assembler's buffers. Until the packet is complete it is an empty Packet
// with ID -1.
func (a *Assembler) Packet() Packet {
	if a.state != asmDone {
		return Packet{ID: -1}
	}
	return a.pkt
}

// Attachments returns the attachments in order, or nil unless the packet
// is complete. The slices belong to the Assembler.
func (a *Assembler) Attachments() [][]byte {
	if a.state != asmDone {
		return nil
	}
	return a.atts
}

// Reset drops any packet, keeping the buffers for reuse.
func (a *Assembler) Reset() {
	a.pkt = Packet{}
	a.atts = a.atts[:0]
	a.want = 0
	a.state = asmIdle
}
