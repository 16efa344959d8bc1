package streams

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/internal/msgpack"
)

// Connection state recovery across nodes, as the Node adapter keeps it: a
// disconnected socket's session under {sessionKeyPrefix}{pid} as base64 of
// the msgpack of {sid, pid, rooms, data}, and the broadcasts it missed read
// back from the stream.

// maxRestoreReads bounds the XRANGE calls of one restoration, as Node does:
// a stream written faster than it is read would otherwise never end.
const maxRestoreReads = 100

// offsetRE is what an offset must look like: a stream entry id.
var offsetRE = regexp.MustCompile(`^[0-9]+-[0-9]+$`)

// encodeSession is the value of a session's key: base64 of
// @msgpack/msgpack's encoding of {sid, pid, rooms, data}. Unset data is
// Node's default socket.data, {}.
func encodeSession(s *adapter.Session) (string, error) {
	w := msgpack.NewSafeIntWriter(nil) // @msgpack/msgpack, as Node's streams adapter
	w.MapHeader(4)
	w.String("sid")
	w.String(s.SID)
	w.String("pid")
	w.String(s.PID)
	w.String("rooms")
	w.ArrayHeader(len(s.Rooms))
	for _, r := range s.Rooms {
		w.String(r)
	}
	w.String("data")
	data := []byte(s.Data)
	if len(data) == 0 {
		data = []byte("{}")
	}
	if err := w.JSON(data, nil); err != nil {
		return "", fmt.Errorf("streams: session data: %w", err)
	}
	return base64.StdEncoding.EncodeToString(w.Bytes()), nil
}

// decodeSession reads a session's value.
func decodeSession(value string) (*adapter.Session, error) {
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return nil, fmt.Errorf("streams: session not base64: %w", err)
	}
	r := msgpack.NewReader(raw)
	n, err := r.MapHeader()
	if err != nil {
		return nil, fmt.Errorf("streams: session: %w", err)
	}
	s := &adapter.Session{}
	for range n {
		key, err := r.Str()
		if err != nil {
			return nil, fmt.Errorf("streams: session key: %w", err)
		}
		switch key {
		case "sid":
			s.SID, err = r.Str()
		case "pid":
			s.PID, err = r.Str()
		case "rooms":
			s.Rooms, err = readRooms(&r)
		case "data":
			var data []byte
			data, _, err = r.JSON(nil, nil)
			s.Data = data
		default:
			err = r.Skip()
		}
		if err != nil {
			return nil, fmt.Errorf("streams: session %q: %w", key, err)
		}
	}
	return s, nil
}

// readRooms reads an array of room names; a room that is not a string (a
// number, in JavaScript) keeps its JSON text.
func readRooms(r *msgpack.Reader) ([]string, error) {
	n, err := r.ArrayHeader()
	if err != nil {
		return nil, err
	}
	rooms := make([]string, 0, n)
	for range n {
		if k, _ := r.PeekKind(); k == msgpack.KindString {
			s, err := r.Str()
			if err != nil {
				return nil, err
			}
			rooms = append(rooms, s)
			continue
		}
		text, _, err := r.JSON(nil, nil)
		if err != nil {
			return nil, err
		}
		rooms = append(rooms, string(text))
	}
	return rooms, nil
}

// nextOffset is the smallest entry id after offset (Node's nextOffset, for
// Redis before exclusive ranges).
func nextOffset(offset string) string {
	ms, seq, _ := strings.Cut(offset, "-")
	n, _ := strconv.ParseUint(seq, 10, 64)
	return ms + "-" + strconv.FormatUint(n+1, 10)
}

// restore takes the session of pid and the broadcasts of namespace nsp it
// missed since offset, in the Node adapter's steps: the session is read
// and deleted (MULTI GET DEL EXEC), the offset must still be in the
// stream (XRANGE offset offset), then XRANGE from the next id to the end,
// at most maxRestoreReads times, keeps the BROADCAST entries of nsp whose
// rooms and except select the session's rooms, each with its offset
// appended as the last argument. nil session: nothing to recover.
func (h *hub) restore(ctx context.Context, nsp, stream, pid, offset string) (*adapter.Session, []*adapter.Packet, error) {
	if !offsetRE.MatchString(offset) {
		return nil, nil, nil
	}
	value, err := h.takeSession(ctx, h.cfg.sessionKeyPrefix+pid)
	if err != nil {
		return nil, nil, err
	}
	at, err := h.xrange(ctx, stream, offset, offset)
	if err != nil || value == "" || len(at) == 0 {
		return nil, nil, err
	}
	s, err := decodeSession(value)
	if err != nil {
		return nil, nil, err
	}
	var missed []*adapter.Packet
	for range maxRestoreReads {
		entries, err := h.xrange(ctx, stream, nextOffset(offset), "+")
		if err != nil {
			return nil, nil, err
		}
		if len(entries) == 0 {
			break
		}
		for _, e := range entries {
			if e.Values["nsp"] == nsp && e.Values["type"] == "3" {
				if p := missedPacket(e.Values, s.Rooms, nsp, e.ID); p != nil {
					missed = append(missed, p)
				}
			}
			offset = e.ID
		}
	}
	return s, missed, nil
}

// missedPacket is the packet of a BROADCAST entry the session's rooms
// select, with the entry's id appended to its arguments; nil when the
// broadcast does not select them or cannot be read.
func missedPacket(values map[string]any, rooms []string, nsp, id string) *adapter.Packet {
	m, err := decodeEntry(values)
	if err != nil || m.Data == nil {
		return nil
	}
	var data struct {
		Packet struct {
			Data []json.RawMessage `json:"data"`
		} `json:"packet"`
		Opts struct {
			Rooms  []string `json:"rooms"`
			Except []string `json:"except"`
		} `json:"opts"`
	}
	if json.Unmarshal(m.Data, &data) != nil || len(data.Packet.Data) == 0 {
		return nil
	}
	if !selects(rooms, data.Opts.Rooms, data.Opts.Except) {
		return nil
	}
	var event string
	if json.Unmarshal(data.Packet.Data[0], &event) != nil {
		return nil
	}
	args := make([][]byte, 0, len(data.Packet.Data))
	for _, a := range data.Packet.Data[1:] {
		args = append(args, a)
	}
	args = append(args, strconv.AppendQuote(nil, id)) // an entry id needs no JSON escaping
	return &adapter.Packet{Nsp: nsp, Event: event, Args: args, Attachments: m.Attachments}
}

// selects is Node's shouldIncludePacket: every socket when rooms is empty,
// else one of the session's rooms is among them; and none is excepted.
func selects(sessionRooms, rooms, except []string) bool {
	included := len(rooms) == 0
	for _, r := range sessionRooms {
		if slices.Contains(except, r) {
			return false
		}
		if !included && slices.Contains(rooms, r) {
			included = true
		}
	}
	return included
}
