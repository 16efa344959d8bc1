package legacy

// State is where a [Session] is in its life.
type State uint8

// The states of a session. Streaming transports use New, Open, AwaitEcho,
// Waiting and Closed; polling transports use New, Polling, Waiting and Closed.
const (
	StateNew       State = iota // made, no connection attached yet
	StateOpen                   // streaming connection attached; next heartbeat at the deadline
	StateAwaitEcho              // heartbeat sent; its echo is due by the deadline
	StatePolling                // a polling GET is held, until the poll duration ends
	StateWaiting                // no connection; the client must come back by the deadline
	StateClosed                 // over: the application has been told, or is about to be
	numStates
)

var stateNames = [...]string{"New", "Open", "AwaitEcho", "Polling", "Waiting", "Closed"}

func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return "State(" + itoa(int(s)) + ")"
}

// Input is what happens to a session: the events of its state machine.
type Input uint8

// The inputs of the state machine. Each exported Session method feeds one.
const (
	InputConnect    Input = iota // a GET or websocket for this session arrived (Connect)
	InputAnswer                  // the held poll was answered (Answered)
	InputDisconnect              // the transport connection ended (Disconnect)
	InputReceive                 // messages arrived (Receive)
	InputEcho                    // the awaited heartbeat came back (inside Receive)
	InputSend                    // the application queued a message (Send)
	InputTimer                   // the deadline passed (Tick)
	InputClose                   // the application or server ends the session (Close)
	numInputs
)

var inputNames = [...]string{"Connect", "Answer", "Disconnect", "Receive", "Echo", "Send", "Timer", "Close"}

func (in Input) String() string {
	if in < numInputs {
		return inputNames[in]
	}
	return "Input(" + itoa(int(in)) + ")"
}

// Event tells the caller what a transition needs from it.
type Event uint8

// The events returned by Tick, Disconnect and Answered.
const (
	EventNone        Event = iota // nothing to do
	EventHeartbeat                // a heartbeat was queued: flush the queue to the connection
	EventPollExpired              // the poll duration ended: answer the held GET with an empty body
	EventClosed                   // the session closed (see Session.Reason): tell the application, drop the session
)

var eventNames = [...]string{"None", "Heartbeat", "PollExpired", "Closed"}

func (e Event) String() string {
	if int(e) < len(eventNames) {
		return eventNames[e]
	}
	return "Event(" + itoa(int(e)) + ")"
}

// Reason says why a session closed.
type Reason uint8

// The reasons a session closes.
const (
	ReasonNone             Reason = iota // still open
	ReasonTransportClosed                // the streaming connection ended (close timeout 0)
	ReasonCloseTimeout                   // no new connection within the close timeout
	ReasonHeartbeatTimeout               // no heartbeat echo within the heartbeat timeout
	ReasonServerClose                    // Close was called
)

var reasonNames = [...]string{"None", "TransportClosed", "CloseTimeout", "HeartbeatTimeout", "ServerClose"}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "Reason(" + itoa(int(r)) + ")"
}

// transition is one cell of a state table. ok is false for an input the
// state does not allow.
type transition struct {
	next   State
	ev     Event
	reason Reason // for next == StateClosed
	ok     bool
}

func to(next State) transition { return transition{next: next, ok: true} }

func closeFor(r Reason) transition {
	return transition{next: StateClosed, ev: EventClosed, reason: r, ok: true}
}

// streamTable is the machine of websocket, flashsocket, htmlfile and
// xhr-multipart (socket.io-node's Client with heartbeats and close timeout
// 0). A cell left zero is an illegal transition. Inputs in StateClosed are
// handled before the table: ErrClosed, except Close and Timer, which do
// nothing.
var streamTable = [numStates][numInputs]transition{
	StateNew: {
		InputConnect:    to(StateOpen),
		InputDisconnect: closeFor(ReasonTransportClosed),
		InputSend:       to(StateNew),
		InputClose:      closeFor(ReasonServerClose),
	},
	StateOpen: {
		InputDisconnect: to(StateWaiting), // closes at once with close timeout 0
		InputReceive:    to(StateOpen),
		InputEcho:       to(StateOpen), // a late duplicate: ignored
		InputSend:       to(StateOpen),
		InputTimer:      {next: StateAwaitEcho, ev: EventHeartbeat, ok: true},
		InputClose:      closeFor(ReasonServerClose),
	},
	StateAwaitEcho: {
		InputDisconnect: to(StateWaiting),
		InputReceive:    to(StateAwaitEcho),
		InputEcho:       to(StateOpen),
		InputSend:       to(StateAwaitEcho),
		InputTimer:      closeFor(ReasonHeartbeatTimeout),
		InputClose:      closeFor(ReasonServerClose),
	},
	StateWaiting: {
		InputConnect: to(StateOpen),
		InputReceive: to(StateWaiting),
		InputEcho:    to(StateWaiting),
		InputSend:    to(StateWaiting),
		InputTimer:   closeFor(ReasonCloseTimeout),
		InputClose:   closeFor(ReasonServerClose),
	},
}

// pollTable is the machine of xhr-polling and jsonp-polling (no heartbeats,
// a poll duration, close timeout 8 s between requests).
var pollTable = [numStates][numInputs]transition{
	StateNew: {
		InputConnect:    to(StatePolling),
		InputDisconnect: closeFor(ReasonTransportClosed),
		InputSend:       to(StateNew),
		InputClose:      closeFor(ReasonServerClose),
	},
	StatePolling: {
		InputAnswer:     to(StateWaiting),
		InputDisconnect: to(StateWaiting), // the held GET's connection dropped
		InputReceive:    to(StatePolling),
		InputEcho:       to(StatePolling),
		InputSend:       to(StatePolling),
		InputTimer:      {next: StateWaiting, ev: EventPollExpired, ok: true},
		InputClose:      closeFor(ReasonServerClose),
	},
	StateWaiting: {
		InputConnect: to(StatePolling),
		InputReceive: to(StateWaiting),
		InputEcho:    to(StateWaiting),
		InputSend:    to(StateWaiting),
		InputTimer:   closeFor(ReasonCloseTimeout),
		InputClose:   closeFor(ReasonServerClose),
	},
}
