package metrics_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// serveMetrics registers c in a registry of its own and serves it with
// promhttp on /metrics of a loopback test server; it returns the URL.
func serveMetrics(t *testing.T, c prometheus.Collector) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL + "/metrics"
}

// scraped is one scrape: samples by metric name, then by their labels
// written name=value,… in name order ("" for none).
type scraped map[string]map[string]float64

// scrape GETs url as Prometheus would (text format) and parses the answer.
func scrape(t *testing.T, url string) scraped {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("scraping %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scraping %s: status %s", url, resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing the scrape of %s: %v", url, err)
	}
	out := make(scraped, len(families))
	for name, f := range families {
		samples := make(map[string]float64, len(f.Metric))
		for _, m := range f.Metric {
			samples[labelKey(m.Label)] = sampleValue(f.GetType(), m)
		}
		out[name] = samples
	}
	return out
}

func labelKey(labels []*dto.LabelPair) string {
	parts := make([]string, 0, len(labels))
	for _, l := range labels {
		parts = append(parts, l.GetName()+"="+l.GetValue())
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func sampleValue(t dto.MetricType, m *dto.Metric) float64 {
	switch t {
	case dto.MetricType_COUNTER:
		return m.GetCounter().GetValue()
	case dto.MetricType_GAUGE:
		return m.GetGauge().GetValue()
	default:
		return m.GetUntyped().GetValue()
	}
}

// value is the sample of name with labels ("" for none); ok is false when
// the scrape has no such sample.
func (s scraped) value(name, labels string) (v float64, ok bool) {
	v, ok = s[name][labels]
	return v, ok
}

// expect checks that the scrape has the sample name{labels} == want.
func (s scraped) expect(t *testing.T, name, labels string, want float64) {
	t.Helper()
	got, ok := s.value(name, labels)
	if !ok {
		t.Errorf("%s{%s}: missing from the scrape (has %v)", name, labels, s[name])
		return
	}
	if got != want {
		t.Errorf("%s{%s} = %v, want %v", name, labels, got, want)
	}
}

func (s scraped) String() string {
	var b strings.Builder
	for name, samples := range s {
		for labels, v := range samples {
			fmt.Fprintf(&b, "%s{%s} %v\n", name, labels, v)
		}
	}
	return b.String()
}
