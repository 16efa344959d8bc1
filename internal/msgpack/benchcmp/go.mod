module github.com/tornadio/tornadio/internal/msgpack/benchcmp

go 1.26.8

require (
	github.com/tornadio/tornadio v0.0.0
	github.com/vmihailenco/msgpack/v5 v5.4.1
)

require github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect

replace github.com/tornadio/tornadio => ../../..
