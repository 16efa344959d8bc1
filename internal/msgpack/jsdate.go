package msgpack

import (
	"encoding/binary"
	"math"
	"time"
)

// timestampMillis turns the data of a timestamp extension (type -1, 4, 8 or
// 12 bytes) into the milliseconds of the JavaScript Date notepack.io makes of
// it, with the same float arithmetic.
func timestampMillis(data []byte) (float64, bool) {
	switch len(data) {
	case 4:
		return float64(float64(binary.BigEndian.Uint32(data)) * 1e3), true
	case 8:
		hi, lo := binary.BigEndian.Uint32(data), binary.BigEndian.Uint32(data[4:])
		s := float64(hi&3)*(1<<32) + float64(lo)
		return float64(s*1e3) + float64(hi>>2)/1e6, true
	case 12:
		ns := binary.BigEndian.Uint32(data)
		hi, lo := int32(binary.BigEndian.Uint32(data[4:])), binary.BigEndian.Uint32(data[8:])
		s := float64(float64(hi)*(1<<32)) + float64(lo)
		return float64(s*1e3) + float64(ns)/1e6, true
	}
	return 0, false
}

// legacyDateMillis reads notepack.io's pre-3.0 Date (fixext 8, type 0): the
// milliseconds as a signed 64-bit integer, as a float64.
func legacyDateMillis(data []byte) float64 {
	hi, lo := int32(binary.BigEndian.Uint32(data)), binary.BigEndian.Uint32(data[4:])
	return float64(float64(hi)*(1<<32)) + float64(lo)
}

// maxDateMillis is the largest distance from the epoch a JavaScript Date can
// hold.
const maxDateMillis = 8.64e15

// appendJSDate appends what JSON.stringify writes for a Date of ms
// milliseconds: its toISOString in quotes (years beyond 0-9999 with a sign and
// six digits), or null for an invalid date.
func appendJSDate(b []byte, ms float64) []byte {
	if math.IsNaN(ms) || math.Abs(ms) > maxDateMillis {
		return append(b, "null"...)
	}
	t := time.UnixMilli(int64(ms)).UTC() // int64 truncates toward zero, as TimeClip does
	year, month, day := t.Date()
	b = append(b, '"')
	switch {
	case year >= 0 && year <= 9999:
		b = appendDigits(b, year, 4)
	case year < 0:
		b = appendDigits(append(b, '-'), -year, 6)
	default:
		b = appendDigits(append(b, '+'), year, 6)
	}
	b = appendDigits(append(b, '-'), int(month), 2)
	b = appendDigits(append(b, '-'), day, 2)
	b = appendDigits(append(b, 'T'), t.Hour(), 2)
	b = appendDigits(append(b, ':'), t.Minute(), 2)
	b = appendDigits(append(b, ':'), t.Second(), 2)
	b = appendDigits(append(b, '.'), t.Nanosecond()/1e6, 3)
	return append(b, 'Z', '"')
}

func appendDigits(b []byte, v, width int) []byte {
	var tmp [8]byte
	i := len(tmp)
	for ; width > 0 || v > 0; width-- {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[i:]...)
}
