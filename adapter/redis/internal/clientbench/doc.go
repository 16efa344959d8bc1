// Package clientbench compares the Redis clients the Redis adapters could
// be built on, for what the adapters do with them: publish one message per
// broadcast from one ordered goroutine, and receive each other node's
// messages on a subscription. It is a module of its own so that the
// candidate it did not pick stays out of the adapters' module; run it with
//
//	cd adapter/redis/internal/clientbench && go test -bench . -benchmem
//
// (a real redis-server is started on a free loopback port). README.md has
// the figures and the choice.
package clientbench
