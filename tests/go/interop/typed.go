package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// typedValue is one value in the typed format of tests/vectors/README.md.
type typedValue struct {
	Type     string          `json:"type"`
	Value    json.RawMessage `json:"value"`
	UTF8     *bool           `json:"utf8,omitempty"`
	ValueB64 string          `json:"value_b64,omitempty"`
	Unix     *int64          `json:"unix,omitempty"`
	Nsec     *int64          `json:"nsec,omitempty"`
	OffsetS  *int            `json:"offset_s,omitempty"`
	Binary   string          `json:"marshal_binary_hex,omitempty"`
}

type typedEntry struct {
	Key   *typedValue `json:"key"`
	Value *typedValue `json:"value"`
}

func raw(v interface{}) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func floatJSON(f float64) json.RawMessage {
	switch {
	case math.IsNaN(f):
		return raw("NaN")
	case math.IsInf(f, 1):
		return raw("+Inf")
	case math.IsInf(f, -1):
		return raw("-Inf")
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return json.RawMessage(s)
}

// typed renders a Go value with its dynamic type (reflect.Type.String()).
func typed(v interface{}) *typedValue {
	if v == nil {
		return &typedValue{Type: "nil", Value: json.RawMessage("null")}
	}
	rv := reflect.ValueOf(v)
	out := &typedValue{Type: rv.Type().String()}
	if t, ok := v.(time.Time); ok {
		_, offset := t.Zone()
		bin, _ := t.MarshalBinary()
		out.Value = raw(t.Format(time.RFC3339Nano))
		unix, nsec := t.Unix(), int64(t.Nanosecond())
		out.Unix, out.Nsec, out.OffsetS = &unix, &nsec, &offset
		out.Binary = hex.EncodeToString(bin)
		return out
	}
	switch rv.Kind() {
	case reflect.Bool:
		out.Value = raw(rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		out.Value = json.RawMessage(strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		out.Value = json.RawMessage(strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		out.Value = floatJSON(rv.Float())
	case reflect.Complex64, reflect.Complex128:
		c := rv.Complex()
		out.Value = json.RawMessage("[" + string(floatJSON(real(c))) + "," + string(floatJSON(imag(c))) + "]")
	case reflect.String:
		s := rv.String()
		out.Value = raw(s)
		if !utf8.ValidString(s) {
			f := false
			out.UTF8 = &f
			out.ValueB64 = base64.StdEncoding.EncodeToString([]byte(s))
		}
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			out.Value = raw(base64.StdEncoding.EncodeToString(rv.Bytes()))
			break
		}
		items := make([]*typedValue, rv.Len())
		for i := range items {
			items[i] = typed(rv.Index(i).Interface())
		}
		out.Value = raw(items)
	case reflect.Map:
		entries := make([]typedEntry, 0, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			entries = append(entries, typedEntry{typed(iter.Key().Interface()), typed(iter.Value().Interface())})
		}
		sort.Slice(entries, func(i, j int) bool {
			return string(raw(entries[i].Key)) < string(raw(entries[j].Key))
		})
		out.Value = raw(entries)
	case reflect.Struct:
		fields := map[string]*typedValue{}
		for i := 0; i < rv.NumField(); i++ {
			if rv.Type().Field(i).IsExported() {
				fields[rv.Type().Field(i).Name] = typed(rv.Field(i).Interface())
			}
		}
		out.Value = raw(fields)
	case reflect.Ptr:
		return typed(rv.Elem().Interface())
	default:
		panic(fmt.Sprintf("cannot render %s", rv.Type()))
	}
	return out
}

// fromTyped builds the Go value a typed value describes (the inverse of typed).
func fromTyped(tv typedValue) (interface{}, error) {
	var err error
	switch tv.Type {
	case "nil":
		return nil, nil
	case "bool":
		var b bool
		err = json.Unmarshal(tv.Value, &b)
		return b, err
	case "string":
		var s string
		err = json.Unmarshal(tv.Value, &s)
		return s, err
	case "int", "int8", "int16", "int32", "int64":
		var n int64
		if err = json.Unmarshal(tv.Value, &n); err != nil {
			return nil, err
		}
		return reflect.ValueOf(n).Convert(basicTypes[tv.Type]).Interface(), nil
	case "uint", "uint8", "uint16", "uint32", "uint64", "uintptr":
		var n uint64
		if err = json.Unmarshal(tv.Value, &n); err != nil {
			return nil, err
		}
		return reflect.ValueOf(n).Convert(basicTypes[tv.Type]).Interface(), nil
	case "float32", "float64":
		f, err := parseFloat(tv.Value)
		if err != nil {
			return nil, err
		}
		return reflect.ValueOf(f).Convert(basicTypes[tv.Type]).Interface(), nil
	case "complex64", "complex128":
		var parts []json.RawMessage
		if err = json.Unmarshal(tv.Value, &parts); err != nil || len(parts) != 2 {
			return nil, fmt.Errorf("bad complex %s", tv.Value)
		}
		re, err1 := parseFloat(parts[0])
		im, err2 := parseFloat(parts[1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad complex %s", tv.Value)
		}
		return reflect.ValueOf(complex(re, im)).Convert(basicTypes[tv.Type]).Interface(), nil
	case "[]uint8":
		var s string
		if err = json.Unmarshal(tv.Value, &s); err != nil {
			return nil, err
		}
		return base64.StdEncoding.DecodeString(s)
	case "time.Time":
		if tv.Unix == nil || tv.Nsec == nil || tv.OffsetS == nil {
			return nil, fmt.Errorf("time.Time needs unix, nsec and offset_s")
		}
		zone := time.UTC
		if *tv.OffsetS != 0 {
			zone = time.FixedZone("", *tv.OffsetS)
		}
		return time.Unix(*tv.Unix, *tv.Nsec).In(zone), nil
	case "main.Flash":
		var fields map[string]typedValue
		if err = json.Unmarshal(tv.Value, &fields); err != nil {
			return nil, err
		}
		kind, err1 := fromTyped(fields["Type"])
		msg, err2 := fromTyped(fields["Message"])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad main.Flash %s", tv.Value)
		}
		return Flash{Type: kind.(int), Message: msg.(string)}, nil
	}
	if strings.HasPrefix(tv.Type, "[]") {
		elemType, ok := sliceElemTypes[tv.Type]
		if !ok {
			return nil, fmt.Errorf("unsupported slice type %s", tv.Type)
		}
		var items []typedValue
		if err = json.Unmarshal(tv.Value, &items); err != nil {
			return nil, err
		}
		out := reflect.MakeSlice(reflect.SliceOf(elemType), len(items), len(items))
		for i, item := range items {
			v, err := fromTyped(item)
			if err != nil {
				return nil, err
			}
			setAny(out.Index(i), v)
		}
		return out.Interface(), nil
	}
	mapType, ok := mapTypes[tv.Type]
	if !ok {
		return nil, fmt.Errorf("unsupported type %s", tv.Type)
	}
	var entries []struct {
		Key   typedValue `json:"key"`
		Value typedValue `json:"value"`
	}
	if err = json.Unmarshal(tv.Value, &entries); err != nil {
		return nil, err
	}
	out := reflect.MakeMapWithSize(mapType, len(entries))
	for _, e := range entries {
		k, err := fromTyped(e.Key)
		if err != nil {
			return nil, err
		}
		v, err := fromTyped(e.Value)
		if err != nil {
			return nil, err
		}
		kv, vv := reflect.New(mapType.Key()).Elem(), reflect.New(mapType.Elem()).Elem()
		setAny(kv, k)
		setAny(vv, v)
		out.SetMapIndex(kv, vv)
	}
	return out.Interface(), nil
}

func setAny(dst reflect.Value, v interface{}) {
	if v != nil {
		dst.Set(reflect.ValueOf(v))
	}
}

func parseFloat(r json.RawMessage) (float64, error) {
	var s string
	if json.Unmarshal(r, &s) == nil {
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "+Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		}
		return 0, fmt.Errorf("bad float %q", s)
	}
	var f float64
	err := json.Unmarshal(r, &f)
	return f, err
}

var anyType = reflect.TypeOf((*interface{})(nil)).Elem()

var basicTypes = map[string]reflect.Type{
	"int": reflect.TypeOf(int(0)), "int8": reflect.TypeOf(int8(0)),
	"int16": reflect.TypeOf(int16(0)), "int32": reflect.TypeOf(int32(0)),
	"int64": reflect.TypeOf(int64(0)), "uint": reflect.TypeOf(uint(0)),
	"uint8": reflect.TypeOf(uint8(0)), "uint16": reflect.TypeOf(uint16(0)),
	"uint32": reflect.TypeOf(uint32(0)), "uint64": reflect.TypeOf(uint64(0)),
	"uintptr": reflect.TypeOf(uintptr(0)), "float32": reflect.TypeOf(float32(0)),
	"float64": reflect.TypeOf(float64(0)), "complex64": reflect.TypeOf(complex64(0)),
	"complex128": reflect.TypeOf(complex128(0)), "string": reflect.TypeOf(""),
	"bool": reflect.TypeOf(false),
}

var sliceElemTypes = map[string]reflect.Type{
	"[]interface {}": anyType, "[]string": basicTypes["string"], "[]int": basicTypes["int"],
	"[]int64": basicTypes["int64"], "[]float64": basicTypes["float64"], "[]bool": basicTypes["bool"],
}

var mapTypes = map[string]reflect.Type{
	"map[interface {}]interface {}": reflect.TypeOf(map[interface{}]interface{}{}),
	"map[string]interface {}":       reflect.TypeOf(map[string]interface{}{}),
	"map[string]string":             reflect.TypeOf(map[string]string{}),
	"map[int]string":                reflect.TypeOf(map[int]string{}),
}
