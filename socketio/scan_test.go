package socketio

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSplitArray(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{`[]`, nil},
		{` [ ] `, nil},
		{`[1]`, []string{`1`}},
		{`["chat","hello world",3]`, []string{`"chat"`, `"hello world"`, `3`}},
		{` [ "a" , 1 ,	true,false , null ]
`, []string{`"a"`, `1`, `true`, `false`, `null`}},
		{`[{"a":[1,{"b":"]"}]},[[],[[]]],"x,y"]`, []string{`{"a":[1,{"b":"]"}]}`, `[[],[[]]]`, `"x,y"`}},
		{`["esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00","]","[",","]`, []string{`"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"`, `"]"`, `"["`, `","`}},
		{`["日本語","😀",{"ключ":"значение"}]`, []string{`"日本語"`, `"😀"`, `{"ключ":"значение"}`}},
		{`[-0,0.5,-1.25e+10,1E-3,12345678901234567890]`, []string{`-0`, `0.5`, `-1.25e+10`, `1E-3`, `12345678901234567890`}},
		{`[{ "k" : "v" , "n" : { } }]`, []string{`{ "k" : "v" , "n" : { } }`}},
	}
	for _, c := range cases {
		dst := [][]byte{[]byte("keep")}
		got, err := SplitArray([]byte(c.in), dst)
		if err != nil {
			t.Errorf("SplitArray(%q): %v", c.in, err)
			continue
		}
		if len(got) != len(c.want)+1 || string(got[0]) != "keep" {
			t.Errorf("SplitArray(%q) = %q, want %q", c.in, got[1:], c.want)
			continue
		}
		for i, w := range c.want {
			if string(got[i+1]) != w {
				t.Errorf("SplitArray(%q)[%d] = %q, want %q", c.in, i, got[i+1], w)
			}
		}
		var ref []json.RawMessage
		if err := json.Unmarshal([]byte(c.in), &ref); err != nil || len(ref) != len(c.want) {
			t.Errorf("encoding/json disagrees on %q: %d %v", c.in, len(ref), err)
		}
	}
	bad := []string{``, ` `, `1`, `"[]"`, `{}`, `null`, `[`, `]`, `[1,]`, `[,1]`, `[1 2]`, `[1]]`, `[1] x`,
		`[[1]`, `[{]`, `[{"a"}]`, `[{"a":1,}]`, `["\x"]`, `["a]`, `[01]`, `[1.]`, `[-]`, `[.1]`, `[1e+]`,
		`[truee]`, `[True]`, `[nan]`, "[\"\x00\"]", `["\u12"]`, `[1,,2]`, `[}`, `[{"a":1]}`}
	for _, in := range bad {
		dst := [][]byte{[]byte("keep")}
		got, err := SplitArray([]byte(in), dst)
		if err == nil || len(got) != 1 {
			t.Errorf("SplitArray(%q) = %q, %v; want error", in, got, err)
		}
		var ref []json.RawMessage
		if json.Unmarshal([]byte(in), &ref) == nil && strings.HasPrefix(strings.TrimSpace(in), "[") {
			t.Errorf("encoding/json accepts %q", in)
		}
	}
}

func TestSplitArrayDepth(t *testing.T) {
	arr := func(n int) []byte { return []byte(strings.Repeat("[", n) + strings.Repeat("]", n)) }
	for _, n := range []int{maxDepth - 1, maxDepth, maxDepth + 1} {
		_, err := SplitArray(arr(n), nil)
		var ref []json.RawMessage
		jerr := json.Unmarshal(arr(n), &ref)
		if (err == nil) != (jerr == nil) {
			t.Errorf("depth %d: SplitArray %v, encoding/json %v", n, err, jerr)
		}
	}
}

func TestValidJSON(t *testing.T) {
	good := []string{`0`, `-0`, `1.5e3`, `"x"`, `true`, `false`, `null`, `{}`, `[]`, ` {"a" : [ 1 , {} ] } `,
		"\t\r\n[1]\n", `"\u0041\uD83D\uDE00"`, `"\ud800"`, "\"\xff\"", `1E+2`, `[{"":""}]`}
	bad := []string{``, ` `, `-`, `01`, `1.`, `.1`, `+1`, `1e`, `--1`, `0x1`, `"`, `"\"`, `{"a":1`, `{,}`, `[,]`,
		`nul`, `true false`, `{"a" 1}`, `{1:2}`, `[1}`, `{"a":1]`, "\"\n\"", `Infinity`, `NaN`, `'a'`}
	for _, s := range good {
		if !validJSON([]byte(s)) || !json.Valid([]byte(s)) {
			t.Errorf("validJSON(%q)=%v json.Valid=%v", s, validJSON([]byte(s)), json.Valid([]byte(s)))
		}
	}
	for _, s := range bad {
		if validJSON([]byte(s)) || json.Valid([]byte(s)) {
			t.Errorf("bad %q: validJSON=%v json.Valid=%v", s, validJSON([]byte(s)), json.Valid([]byte(s)))
		}
	}
}

func TestValidJSONDeepMixed(t *testing.T) {
	for _, n := range []int{63, 64, 65, 130, 5000} {
		open := strings.Repeat(`{"a":[1,`, n)
		closeOK := strings.Repeat(`]}`, n)
		closeBad := strings.Repeat(`}]`, n)
		for _, s := range []string{open + `2` + closeOK, open + `2` + closeBad, open + `{}` + closeOK[:len(closeOK)-1]} {
			if got, want := validJSON([]byte(s)), json.Valid([]byte(s)); got != want {
				t.Errorf("depth %d: validJSON=%v json.Valid=%v", n, got, want)
			}
		}
	}
}
