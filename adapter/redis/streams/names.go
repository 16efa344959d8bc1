package streams

import "strconv"

// hashCode is Java's String.hashCode as the Node adapter computes it: over
// the UTF-16 code units of s, h = h*31 + unit, wrapped to a signed 32-bit
// integer at every step.
func hashCode(s string) int32 {
	var h int32
	for _, u := range utf16Units(s) {
		h = h*31 + int32(u)
	}
	return h
}

// utf16Units returns the UTF-16 code units of s, as JavaScript's charCodeAt
// sees the string (invalid UTF-8 bytes count as U+FFFD, as Node decodes
// them).
func utf16Units(s string) []uint16 {
	units := make([]uint16, 0, len(s))
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			units = append(units, uint16(0xd800+(r>>10)), uint16(0xdc00+(r&0x3ff)))
			continue
		}
		units = append(units, uint16(r))
	}
	return units
}

// streamName is the stream a namespace's persistent messages go to: name
// itself with one stream, otherwise name-<hashCode(nsp) % count>. The
// remainder keeps the sign of the hash, as JavaScript's % does (and Go's),
// so a namespace may map to a name like "socket.io--1".
func streamName(name string, count int, nsp string) string {
	if count <= 1 {
		return name
	}
	i := int64(hashCode(nsp)) % int64(count)
	return name + "-" + strconv.FormatInt(i, 10)
}

// publicChannel is the channel of a namespace's requests to every node.
func publicChannel(prefix, nsp string) string { return prefix + "#" + nsp + "#" }

// privateChannel is the channel of the answers to one namespace adapter,
// named by its uid.
func privateChannel(prefix, nsp, uid string) string { return prefix + "#" + nsp + "#" + uid + "#" }
