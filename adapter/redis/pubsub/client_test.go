package pubsub_test

import (
	"testing"

	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
)

// waitTimeout bounds every wait of the tests.
const waitTimeout = siotest.WaitTimeout

type sioClient = siotest.Client

// dialClient connects a websocket client to nsp on addr with the auth
// payload, and waits for the namespace's CONNECT answer.
func dialClient(t *testing.T, addr, nsp, name, auth, answer string) *sioClient {
	t.Helper()
	return siotest.Dial(t, addr, nsp, name, auth, answer)
}
