package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// loadResult is the part of the load generator's JSON object (see
// bench/loadgen.Result) that the runner reads. Latencies are microseconds.
type loadResult struct {
	Scenario string `json:"scenario"`
	Connect  struct {
		Attempted int64   `json:"attempted"`
		Connected int64   `json:"connected"`
		Failed    int64   `json:"failed"`
		LatencyUS latency `json:"latency_us"`
	} `json:"connect"`
	Results struct {
		WindowS          float64  `json:"window_s"`
		Dropped          int64    `json:"dropped"`
		Alive            int64    `json:"alive"`
		Acks             int64    `json:"acks"`
		AcksPerSec       float64  `json:"acks_per_s"`
		Receivers        int64    `json:"receivers"`
		Sent             int64    `json:"sent"`
		SendWindowS      float64  `json:"send_window_s"`
		SentPerSec       float64  `json:"sent_per_s"`
		Delivered        int64    `json:"delivered"`
		DeliveriesPerSec float64  `json:"deliveries_per_s"`
		DeliveryRatio    float64  `json:"delivery_ratio"`
		LatencyUS        *latency `json:"latency_us"`
	} `json:"results"`
	Loadgen struct {
		CPUS      float64 `json:"cpu_s"`
		RunCPUS   float64 `json:"run_cpu_s"`
		Saturated bool    `json:"saturated"`
	} `json:"loadgen"`
	Errors map[string]int64 `json:"errors"`
}

type latency struct {
	Count uint64  `json:"count"`
	P50   float64 `json:"p50"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p999"`
}

// extract fills sm's figures from the load generator's output. Ops come
// from the measured window; sm.window is that window's length.
func extract(scenario string, raw json.RawMessage, sm *Sample) error {
	var r loadResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("%w: %.200s", err, raw)
	}
	sm.window = time.Duration(r.Results.WindowS * float64(time.Second))
	sm.loadRunCPU = time.Duration(r.Loadgen.RunCPUS * float64(time.Second))
	sm.Saturated = r.Loadgen.Saturated
	lat := r.Results.LatencyUS
	switch scenario {
	case "conns":
		sm.Ops = float64(r.Results.Alive)
		if sm.Ops == 0 {
			sm.Ops = float64(r.Connect.Connected - r.Results.Dropped)
		}
		sm.Throughput = float64(r.Connect.Connected)
		lat = &r.Connect.LatencyUS
	case "echo", "polling-echo":
		sm.Ops = float64(r.Results.Acks)
		sm.Throughput = r.Results.AcksPerSec
	case "broadcast":
		sm.Ops = float64(r.Results.Delivered)
		sm.Sent, sm.SentPerSec = r.Results.Sent, r.Results.SentPerSec
		sm.Throughput = r.Results.DeliveriesPerSec
		sm.Delivery = r.Results.DeliveryRatio
	}
	if lat != nil {
		sm.P50, sm.P99, sm.P999 = lat.P50/1e3, lat.P99/1e3, lat.P999/1e3
	}
	if sm.Ops <= 0 {
		msg := "no " + map[string]string{"conns": "session", "broadcast": "delivery"}[scenario]
		if msg == "no " {
			msg = "no ack"
		}
		if r.Connect.Failed > 0 {
			msg += fmt.Sprintf(", %d/%d connects failed", r.Connect.Failed, r.Connect.Attempted)
		}
		if len(r.Errors) > 0 {
			msg += ": " + topErrors(r.Errors)
		}
		return errors.New(msg)
	}
	if r.Connect.Failed > 0 && r.Connect.Failed*10 > r.Connect.Attempted {
		return fmt.Errorf("%d of %d connects failed: %s", r.Connect.Failed, r.Connect.Attempted, topErrors(r.Errors))
	}
	return nil
}

func topErrors(m map[string]int64) string {
	type kv struct {
		k string
		v int64
	}
	var l []kv
	for k, v := range m {
		l = append(l, kv{k, v})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v })
	var b []string
	for i, e := range l {
		if i == 3 {
			break
		}
		b = append(b, fmt.Sprintf("%s ×%d", e.k, e.v))
	}
	return strings.Join(b, ", ")
}
