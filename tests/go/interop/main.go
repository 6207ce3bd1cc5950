// Command interop decodes (and encodes) securecookie values with the real Go
// gorilla code, for the Python port's interop tests.
//
// It reads one JSON array of cases on stdin and writes one JSON array of
// results on stdout, so a whole test session needs a single process. Build it
// in GOPATH mode against Debian's packages:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o interop ./tests/go/interop
//
// A case with "op": "decode" (the default) decodes "encoded" into the Go type
// named by "dst" and answers {"ok", "value", "error"}, the value rendered in
// the typed format of tests/vectors/README.md. A case with "op": "encode"
// builds a Go value from the typed "value" and answers {"ok", "encoded",
// "serialized_b64", "error"}.
package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"os"
	"reflect"
	"time"

	"github.com/gorilla/securecookie"
	_ "github.com/gorilla/sessions" // its init() registers []interface{}, as in a real app
)

// Flash is a struct a Go app might put into a session (registered as "main.Flash").
type Flash struct {
	Type    int
	Message string
}

func init() {
	gob.Register(map[string]interface{}{})
	gob.Register(time.Time{})
	gob.Register(Flash{})
}

type testCase struct {
	Op          string          `json:"op"`
	Name        string          `json:"name"`
	Hash        string          `json:"hash"`
	HashKeyHex  *string         `json:"hash_key_hex"`
	BlockKeyHex *string         `json:"block_key_hex"`
	Serializer  string          `json:"serializer"`
	Dst         string          `json:"dst"`
	Encoded     string          `json:"encoded"`
	MaxAge      int             `json:"max_age"`
	MinAge      int             `json:"min_age"`
	MaxLength   int             `json:"max_length"`
	Value       json.RawMessage `json:"value"`
}

type result struct {
	OK            bool        `json:"ok"`
	Value         interface{} `json:"value,omitempty"`
	Encoded       string      `json:"encoded,omitempty"`
	SerializedB64 string      `json:"serialized_b64,omitempty"`
	Error         string      `json:"error"`
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "interop: bad input:", err)
		os.Exit(2)
	}
	results := make([]result, len(cases))
	for i, c := range cases {
		results[i] = run(c)
	}
	out := json.NewEncoder(os.Stdout)
	if err := out.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "interop: cannot write output:", err)
		os.Exit(2)
	}
}

func run(c testCase) (res result) {
	defer func() {
		if p := recover(); p != nil {
			res = result{Error: fmt.Sprintf("panic: %v", p)}
		}
	}()
	codec, err := newCodec(c)
	if err != nil {
		return result{Error: err.Error()}
	}
	if c.Op == "encode" {
		return encode(c, codec)
	}
	return decode(c, codec)
}

func newCodec(c testCase) (*securecookie.SecureCookie, error) {
	var hashKey, blockKey []byte
	var err error
	if c.HashKeyHex != nil {
		if hashKey, err = hex.DecodeString(*c.HashKeyHex); err != nil {
			return nil, err
		}
	}
	if c.BlockKeyHex != nil {
		if blockKey, err = hex.DecodeString(*c.BlockKeyHex); err != nil {
			return nil, err
		}
	}
	s := securecookie.New(hashKey, blockKey)
	switch c.Hash {
	case "", "sha256":
		s.HashFunc(sha256.New)
	case "sha512":
		s.HashFunc(func() hash.Hash { return sha512.New() })
	default:
		return nil, fmt.Errorf("unknown hash %q", c.Hash)
	}
	switch c.Serializer {
	case "", "gob":
		s.SetSerializer(securecookie.GobEncoder{})
	case "json":
		s.SetSerializer(securecookie.JSONEncoder{})
	case "nop":
		s.SetSerializer(securecookie.NopEncoder{})
	default:
		return nil, fmt.Errorf("unknown serializer %q", c.Serializer)
	}
	s.MaxAge(c.MaxAge)
	s.MinAge(c.MinAge)
	if c.MaxLength != 0 {
		s.MaxLength(c.MaxLength)
	}
	return s, nil
}

func decode(c testCase, s *securecookie.SecureCookie) result {
	var dst interface{}
	switch c.Dst {
	case "session_values":
		dst = &map[interface{}]interface{}{}
	case "string":
		dst = new(string)
	case "interface", "any":
		dst = new(interface{})
	case "bytes":
		dst = new([]byte)
	default:
		return result{Error: fmt.Sprintf("unknown dst %q", c.Dst)}
	}
	if err := s.Decode(c.Name, c.Encoded, dst); err != nil {
		return result{Error: err.Error()}
	}
	return result{OK: true, Value: typed(reflect.ValueOf(dst).Elem().Interface())}
}

func encode(c testCase, s *securecookie.SecureCookie) result {
	var tv typedValue
	if err := json.Unmarshal(c.Value, &tv); err != nil {
		return result{Error: "bad typed value: " + err.Error()}
	}
	v, err := fromTyped(tv)
	if err != nil {
		return result{Error: err.Error()}
	}
	var serialized []byte
	if c.Serializer == "" || c.Serializer == "gob" {
		buf := new(bytes.Buffer)
		if err := gob.NewEncoder(buf).Encode(v); err != nil {
			return result{Error: err.Error()}
		}
		serialized = buf.Bytes()
	}
	encoded, err := s.Encode(c.Name, v)
	if err != nil {
		return result{Error: err.Error()}
	}
	return result{OK: true, Encoded: encoded, SerializedB64: base64.StdEncoding.EncodeToString(serialized)}
}
