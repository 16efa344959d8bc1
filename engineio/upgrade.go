package engineio

import "bytes"

// Probe takes a websocket opened at now to upgrade a polling session. It
// reports false when the session cannot take one (ended, on websocket
// already, or probing on another): close the websocket.
func (s *Session[P]) Probe(cfg *Config, now int64) bool {
	p := s.poll
	if s.closed || s.websocket.Load() || p == nil || p.probing {
		return false
	}
	p.probing = true
	p.upgradeBy = now + int64(cfg.UpgradeTimeout)
	return true
}

// ProbeGone is told that the probe closed.
func (s *Session[P]) ProbeGone() {
	if p := s.poll; p != nil {
		p.probing, p.upgrading = false, false
	}
}

// Probed is what ProbePacket answers.
type Probed uint8

const (
	// ProbeIgnore: nothing to do.
	ProbeIgnore Probed = iota
	// ProbePong: write a pong "probe" on the probe. With answerGET, then
	// answer the parked GET: a noop is queued for it, which lets the
	// client pause polling.
	ProbePong
	// ProbeUpgrade: the session is now on the probe. With answerGET, first
	// refuse the parked GET (400): the client sent it after its upgrade
	// packet. Then write Queued() on the websocket and DropPolling.
	ProbeUpgrade
	// ProbeUpgradeEnded: the session, ended by the server while the
	// upgrade was under way, finishes it as Node does, since the client
	// stopped polling to upgrade: write Queued() (ending with the close
	// packet) on the probe, close it with a bare close frame, and
	// StopDraining.
	ProbeUpgradeEnded
	// ProbeFail: the probe broke the upgrade sequence: close it with a
	// protocol error. With the session ended, then StopDraining.
	ProbeFail
)

var probeData = []byte("probe")

// ProbeData is the data of the ping and pong that test a websocket probe.
func ProbeData() []byte { return probeData }

// IsProbe reports whether b is a probe's ping or pong data.
func IsProbe(b []byte) bool { return bytes.Equal(b, probeData) }

// ProbePacket takes packet pk, which arrived on the probe.
func (s *Session[P]) ProbePacket(pk *Packet) (step Probed, answerGET bool) {
	p := s.poll
	if p == nil || !p.probing {
		return ProbeIgnore, false
	}
	if s.closed {
		if !p.draining {
			return ProbeIgnore, false
		}
		switch pk.Type {
		case Ping:
			if IsProbe(pk.Data) {
				return ProbePong, false
			}
			return ProbeIgnore, false
		case Upgrade:
			p.probing, p.upgrading = false, false
			s.websocket.Store(true)
			if p.closeNext {
				p.closeNext = false
				p.enqueue(Packet{Type: Close})
			}
			return ProbeUpgradeEnded, false
		}
		p.probing = false
		return ProbeFail, false
	}
	switch {
	case pk.Type == Ping && IsProbe(pk.Data):
		p.upgrading = true
		if p.parked && len(p.queue) == 0 {
			p.enqueue(Packet{Type: Noop})
			return ProbePong, true
		}
		return ProbePong, false
	case pk.Type == Upgrade && p.upgrading:
		p.probing, p.upgrading = false, false
		s.websocket.Store(true)
		if p.parked {
			// A GET parked since the probe, waiting for its noop: a
			// client sends "5" once its GETs are answered, so this one
			// was sent after; it is refused like any GET after the
			// upgrade. What was queued now goes over the websocket.
			p.parked, p.noopBy = false, 0
			return ProbeUpgrade, true
		}
		return ProbeUpgrade, false
	}
	p.probing, p.upgrading = false, false
	return ProbeFail, false
}
