package adapter

// RequestStats counts an adapter's requests to the other nodes of its
// cluster (fetchSockets, serverSideEmit with acks, allRooms, …).
type RequestStats struct {
	Requests uint64 // requests sent
	Timeouts uint64 // requests that ended by timeout before every node answered
}

// RequestCounter is implemented by adapters that count their requests.
type RequestCounter interface{ RequestStats() RequestStats }
