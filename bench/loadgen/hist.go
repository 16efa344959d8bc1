package loadgen

import (
	"math"
	"math/bits"
)

// Histogram records durations in nanoseconds in log-linear buckets: exact
// below 128 ns, then 64 buckets per power of two (relative error under
// 1.6 %). It is not safe for concurrent use; each loop owns one and they are
// merged at the end. Recording allocates nothing.
type Histogram struct {
	counts [histBuckets]uint64
	n      uint64
	sum    float64
	max    int64
}

const (
	histSubBits = 6
	histSub     = 1 << histSubBits // 64
	histBuckets = (64 - histSubBits) * histSub
)

func histIndex(v int64) int {
	if v < 2*histSub {
		if v < 0 {
			return 0
		}
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - histSubBits - 1
	return (shift+1)*histSub + int(uint64(v)>>uint(shift)) - histSub
}

// histValue is the middle of bucket i.
func histValue(i int) float64 {
	if i < 2*histSub {
		return float64(i)
	}
	shift := i/histSub - 1
	m := i%histSub + histSub
	lo := float64(uint64(m) << uint(shift))
	return lo + float64(uint64(1)<<uint(shift))/2
}

// Record adds one sample of ns nanoseconds.
func (h *Histogram) Record(ns int64) {
	i := histIndex(ns)
	if i >= histBuckets {
		i = histBuckets - 1
	}
	h.counts[i]++
	h.n++
	h.sum += float64(ns)
	if ns > h.max {
		h.max = ns
	}
}

// Count is the number of samples.
func (h *Histogram) Count() uint64 { return h.n }

// Merge adds o's samples to h.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	if o.max > h.max {
		h.max = o.max
	}
}

// Quantile returns the value at quantile q (0..1) in nanoseconds.
func (h *Histogram) Quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return math.Min(histValue(i), float64(h.max))
		}
	}
	return float64(h.max)
}

// Latency summarises a histogram in microseconds.
type Latency struct {
	Count uint64  `json:"count"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p999"`
	Max   float64 `json:"max"`
}

// Summary returns the histogram's figures in microseconds.
func (h *Histogram) Summary() Latency {
	if h.n == 0 {
		return Latency{}
	}
	us := func(ns float64) float64 { return math.Round(ns/10) / 100 }
	return Latency{
		Count: h.n,
		Mean:  us(h.sum / float64(h.n)),
		P50:   us(h.Quantile(0.50)),
		P90:   us(h.Quantile(0.90)),
		P99:   us(h.Quantile(0.99)),
		P999:  us(h.Quantile(0.999)),
		Max:   us(float64(h.max)),
	}
}

// wireHist is a histogram's sparse form, as workers send it to the parent.
type wireHist struct {
	Buckets map[int]uint64 `json:"b,omitempty"`
	Sum     float64        `json:"s"`
	Max     int64          `json:"m"`
}

func (h *Histogram) wire() wireHist {
	w := wireHist{Buckets: map[int]uint64{}, Sum: h.sum, Max: h.max}
	for i, c := range h.counts {
		if c != 0 {
			w.Buckets[i] = c
		}
	}
	return w
}

func (h *Histogram) fromWire(w wireHist) {
	for i, c := range w.Buckets {
		if i >= 0 && i < histBuckets {
			h.counts[i] += c
			h.n += c
		}
	}
	h.sum += w.Sum
	if w.Max > h.max {
		h.max = w.Max
	}
}
