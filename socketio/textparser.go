package socketio

// TextParser is the default Parser: socket.io-parser's encoding, the one
// every Socket.IO client speaks unless told otherwise. A packet is the text
// of an Engine.IO message (see Parse and the Append functions); a binary
// packet (BINARY_EVENT, BINARY_ACK) is followed by its attachments, each a
// binary message, which Decode collects with an Assembler kept in the
// session's DecoderState (made on the session's first binary packet).
//
// Its methods allocate nothing of their own: Decode splits an event's
// arguments into out.Args in the pass that validates the packet, and the
// Append methods write into dst.
type TextParser struct{}

var _ Parser = TextParser{}

// Binary reports false: packets are text messages, attachments follow.
func (TextParser) Binary() bool { return false }

// AppendEvent appends the text of an EVENT packet, a BINARY_EVENT when
// atts is not empty (see the function AppendEvent).
func (TextParser) AppendEvent(dst []byte, nsp string, id int64, event string, args, atts [][]byte) ([]byte, error) {
	return AppendEvent(dst, nsp, id, len(atts), event, args...), nil
}

// AppendAck appends the text of an ACK packet, a BINARY_ACK when atts is
// not empty (see the function AppendAck).
func (TextParser) AppendAck(dst []byte, nsp string, id int64, args, atts [][]byte) ([]byte, error) {
	return AppendAck(dst, nsp, id, len(atts), args...), nil
}

// AppendPacket appends the text of p (see the function AppendPacket); an
// EVENT or ACK with attachments becomes a BINARY_EVENT or BINARY_ACK.
func (TextParser) AppendPacket(dst []byte, p Packet, atts [][]byte) ([]byte, error) {
	p.Attachments = len(atts)
	if len(atts) > 0 {
		switch p.Type {
		case Event:
			p.Type = BinaryEvent
		case Ack:
			p.Type = BinaryAck
		}
	}
	return AppendPacket(dst, p), nil
}

// Decode reads a text message with ParseArgs (an EVENT's or ACK's
// arguments split into out.Args), or a binary message as the next
// attachment of the binary packet in progress. A binary packet is complete
// once its last attachment has come; its payload is then not split. Errors:
// those of ParseArgs, and ErrBadAttachment for an attachment nothing waits
// for or a text message while attachments are awaited.
func (TextParser) Decode(st *DecoderState, msg []byte, binary bool, version int, out *Decoded) (bool, error) {
	asm, _ := st.Value.(*Assembler)
	if binary {
		if asm == nil || !asm.Pending() {
			return false, ErrBadAttachment
		}
		done, err := asm.Add(msg)
		if err != nil || !done {
			return false, err
		}
		out.assembled(asm)
		return true, nil
	}
	if asm != nil && asm.Pending() {
		return false, ErrBadAttachment
	}
	p, args, err := ParseArgs(msg, version, out.Args[:0])
	out.Args = args
	if err != nil {
		return false, err
	}
	if p.Type.IsBinary() {
		if asm == nil {
			asm = &Assembler{}
			st.Value = asm
		}
		asm.Start(p)
		if asm.Pending() {
			return false, nil
		}
		// No attachment to wait for: complete already, as in Node.
		out.assembled(asm)
		return true, nil
	}
	out.Packet, out.Attachments, out.Split = p, nil, true
	return true, nil
}

// assembled hands over the packet asm completed and makes asm ready for
// the next; the views stay valid until asm starts another.
func (d *Decoded) assembled(asm *Assembler) {
	d.Packet, d.Attachments, d.Split = asm.Packet(), asm.Attachments(), false
	asm.Reset()
}
