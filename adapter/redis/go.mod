module github.com/tornadio/tornadio/adapter/redis

go 1.26.8

require (
	github.com/redis/go-redis/v9 v9.23.0
	github.com/tornadio/tornadio v0.0.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/gobwas/httphead v0.1.0 // indirect
	github.com/gobwas/ws v1.5.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

replace github.com/tornadio/tornadio => ../..
