package main

import (
	"errors"
	"testing"
)

func TestParseBenchmarks(t *testing.T) {
	out := `goos: linux
pkg: github.com/polardb-community/terraform-provider-polardb/internal/polardb
BenchmarkRoundTrip-2             	   48859	     26124 ns/op	     24220 cpu-ns/op	    6762 B/op	      76 allocs/op
BenchmarkRoundTrip-2             	   48859	     26000 ns/op	     30000 cpu-ns/op	    6762 B/op	      76 allocs/op
BenchmarkRoundTrip-2             	   48859	     26000 ns/op	     20000 cpu-ns/op	    6762 B/op	      76 allocs/op
BenchmarkConvert/decode+state/10000	      20	  54508572 ns/op	18326804 B/op	  460048 allocs/op
BenchmarkConvert/decode+state/10000-2 --- FAIL: not a result line
PASS
`
	r := parseBenchmarks(out)
	for _, tc := range []struct {
		name, unit string
		want       float64
	}{
		{"BenchmarkRoundTrip", "cpu-ns/op", 24220}, // the median of three
		{"BenchmarkRoundTrip", "allocs/op", 76},
		{"BenchmarkConvert/decode+state/10000", "B/op", 18326804}, // GOMAXPROCS=1: no suffix
	} {
		if got, err := r.median(tc.name, tc.unit); err != nil || got != tc.want {
			t.Errorf("median(%s, %s) = %v, %v; want %v", tc.name, tc.unit, got, err, tc.want)
		}
	}
	if _, err := r.median("BenchmarkRoundTrip", "MB/s"); err == nil {
		t.Error("a unit never reported has a median")
	}
	if !(row{below: 1, err: errors.New("no figure")}).missed() {
		t.Error("a goal without a figure is met")
	}
}
