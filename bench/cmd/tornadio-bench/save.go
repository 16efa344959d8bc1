package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// saveReport writes report to out, and res as JSON to name in bin's parent
// (the last run of a profile, for a closer look), and says so; also names
// anything else written with the report ("" for nothing). Nothing is
// written when out is "".
func saveReport(out string, report []byte, res any, bin, name, also string, elapsed time.Duration) {
	if out == "" {
		return
	}
	must(os.WriteFile(out, report, 0o644))
	raw, _ := json.MarshalIndent(res, "", " ")
	_ = os.WriteFile(filepath.Join(bin, "..", name), raw, 0o644)
	fmt.Fprintf(os.Stderr, "tornadio-bench: wrote %s%s (%s)\n", out, also, elapsed.Round(time.Second))
}
