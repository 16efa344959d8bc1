package legacy

import "github.com/tornadio/tornadio/internal/jsonstr"

// AppendJSString appends s as a JavaScript string literal, the way
// JSON.stringify writes a string: in double quotes, with '"' and '\\' escaped,
// \b \f \n \r \t for those control characters, \u00XX (lower-case hex) for the
// other characters below U+0020, and everything else, including "</script>",
// U+2028, U+2029, DEL and all non-ASCII characters, as it is
// (docs/legacy-0.6.md section 5, jsonp-polling and htmlfile). A byte that is not
// part of valid UTF-8 is written as the escape \ufffd, so the string the
// browser sees has the length [UTF16Len] counted.
func AppendJSString(dst, s []byte) []byte { return jsonstr.Append(dst, s, false) }
