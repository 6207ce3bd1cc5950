// Command gobbench times gorilla/securecookie with the gob serializer, for
// benchmarks/bench_gob.py: the same workloads the Python port is timed on.
// It prints one JSON object mapping a workload name to microseconds per op
// (best of several rounds, like benchmarks/common.py's time_per_op).
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o gobbench ./benchmarks/go/gobbench
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

var (
	hashKey  = bytes.Repeat([]byte{0x42}, 32)
	blockKey = bytes.Repeat([]byte{0x17}, 32)
)

// sessionValues is the benchmark's session: what a logged-in user carries.
func sessionValues() map[interface{}]interface{} {
	s := sessions.NewSession(nil, "session")
	s.Values["user"] = "alice"
	s.Values["provider"] = "ldap"
	s.Values["n"] = 3
	s.Values["admin"] = true
	s.AddFlash("hi")
	return s.Values
}

// perOp runs f repeatedly and returns the best microseconds per call.
func perOp(f func()) float64 {
	n := 1
	for {
		start := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		if time.Since(start) >= 50*time.Millisecond {
			break
		}
		n *= 2
	}
	best := 1e18
	for r := 0; r < 5; r++ {
		start := time.Now()
		for i := 0; i < n*4; i++ {
			f()
		}
		us := float64(time.Since(start).Nanoseconds()) / 1e3 / float64(n*4)
		if us < best {
			best = us
		}
	}
	return best
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobbench:", err)
		os.Exit(1)
	}
}

func main() {
	codec := securecookie.New(hashKey, blockKey)
	codec.MaxAge(0)
	values := sessionValues()
	sessionID := "5ed0e4be448c4dd1274c31e3"
	gobSer := securecookie.GobEncoder{}
	jsonSer := securecookie.JSONEncoder{}
	jsonValues := map[string]interface{}{"user": "alice", "provider": "ldap", "n": 3, "admin": true, "_flash": []interface{}{"hi"}}

	nopCodec := securecookie.New(hashKey, blockKey)
	nopCodec.MaxAge(0)
	nopCodec.SetSerializer(securecookie.NopEncoder{})
	payload, err := gobSer.Serialize(values)
	must(err)

	// Check once that every workload works before timing it.
	cookie, err := codec.Encode("session", values)
	must(err)
	_, err = nopCodec.Encode("session", payload)
	must(err)
	must(codec.Decode("session", cookie, &map[interface{}]interface{}{}))
	_, err = codec.Encode("session", sessionID)
	must(err)

	results := map[string]float64{
		"securecookie_aes256_gob_values": perOp(func() {
			c, err := codec.Encode("session", values)
			must(err)
			dst := map[interface{}]interface{}{}
			must(codec.Decode("session", c, &dst))
		}),
		"securecookie_aes256_gob_session_id": perOp(func() {
			c, err := codec.Encode("session", sessionID)
			must(err)
			var dst string
			must(codec.Decode("session", c, &dst))
		}),
		"securecookie_aes256_nop_gob_payload": perOp(func() {
			// NopEncoder encrypts its input in place (a gorilla quirk): copy it first.
			c, err := nopCodec.Encode("session", append([]byte(nil), payload...))
			must(err)
			var dst []byte
			must(nopCodec.Decode("session", c, &dst))
		}),
		"gob_values": perOp(func() {
			b, err := gobSer.Serialize(values)
			must(err)
			dst := map[interface{}]interface{}{}
			must(gobSer.Deserialize(b, &dst))
		}),
		"json_values": perOp(func() {
			b, err := jsonSer.Serialize(jsonValues)
			must(err)
			dst := map[string]interface{}{}
			must(jsonSer.Deserialize(b, &dst))
		}),
	}
	must(json.NewEncoder(os.Stdout).Encode(results))
}
