package interop_test

import "github.com/tornadio/tornadio"

// requestToken returns the client's token: the socket.io auth payload
// ({auth: {token}}), scenario.js also sends it as the "token" query parameter
// but only the auth payload counts, as in a real application.
func requestToken(req *tornadio.Request) string {
	if req == nil {
		return ""
	}
	var auth struct {
		Token string `json:"token"`
	}
	if err := req.DecodeAuth(&auth); err != nil {
		return ""
	}
	return auth.Token
}
