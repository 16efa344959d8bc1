package tornadio_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tornadio/tornadio"
)

// Deliver is Emit that waits for this node's event loops to hand the
// packet to their sockets and says what became of it: a broadcaster sees
// the clients it dropped a volatile packet for, or cut off as too slow,
// and may slow down or report them.
func ExampleBroadcastOperator_Deliver() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	srv.OnConnection(func(s *tornadio.Socket) { s.Join("news") })
	startExample(srv)
	defer stop(srv)
	a, b := connectExample(srv), connectExample(srv)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := srv.To("news").Deliver(ctx, "headline", "tornadio delivers")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d sockets: %d sent, %d dropped, %d cut\n", d.Sockets, d.Sent, d.Dropped, d.Cut)
	fmt.Println(a.poll())
	fmt.Println(b.poll())
	// Output:
	// 2 sockets: 2 sent, 0 dropped, 0 cut
	// 42["headline","tornadio delivers"]
	// 42["headline","tornadio delivers"]
}
