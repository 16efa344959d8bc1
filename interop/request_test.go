package interop_test

import (
	"net/url"
	"reflect"
	"strings"

	"github.com/tornadio/tornadio"
)

// requestToken finds the client's token in the connection request: the
// socket.io auth payload ({auth: {token}}) when the request exposes it, else
// the "token" query parameter (scenario.js sends both). It looks the fields
// and methods up by reflection so that this test does not depend on the exact
// shape of tornadio.Request beyond "it carries the auth object or the query".
func requestToken(req *tornadio.Request) string {
	if req == nil {
		return ""
	}
	v := reflect.ValueOf(req)
	for _, name := range []string{"Auth", "AuthData", "Query", "URL", "RawQuery"} {
		// A lookup method such as Query(name string) string.
		if m := v.MethodByName(name); m.IsValid() && m.Type().NumIn() == 1 && m.Type().In(0).Kind() == reflect.String && m.Type().NumOut() >= 1 {
			if s, ok := m.Call([]reflect.Value{reflect.ValueOf("token")})[0].Interface().(string); ok && s != "" {
				return s
			}
			continue
		}
		if tok := tokenFrom(member(v, name)); tok != "" {
			return tok
		}
	}
	return ""
}

// member returns the field or the result of the zero-argument method name.
func member(v reflect.Value, name string) reflect.Value {
	if m := v.MethodByName(name); m.IsValid() && m.Type().NumIn() == 0 && m.Type().NumOut() >= 1 {
		return m.Call(nil)[0]
	}
	e := v
	for e.Kind() == reflect.Pointer {
		if e.IsNil() {
			return reflect.Value{}
		}
		e = e.Elem()
	}
	if e.Kind() == reflect.Struct {
		if f := e.FieldByName(name); f.IsValid() && f.CanInterface() {
			return f
		}
	}
	return reflect.Value{}
}

func tokenFrom(v reflect.Value) string {
	if !v.IsValid() || !v.CanInterface() {
		return ""
	}
	switch x := v.Interface().(type) {
	case map[string]any:
		s, _ := x["token"].(string)
		return s
	case map[string]string:
		return x["token"]
	case url.Values:
		return x.Get("token")
	case *url.URL:
		if x != nil {
			return x.Query().Get("token")
		}
	case string:
		q, err := url.ParseQuery(strings.TrimPrefix(x, "?"))
		if err == nil {
			return q.Get("token")
		}
	case []byte:
		q, err := url.ParseQuery(strings.TrimPrefix(string(x), "?"))
		if err == nil {
			return q.Get("token")
		}
	}
	// A struct or pointer that has a Get(string) string method.
	if m := v.MethodByName("Get"); m.IsValid() && m.Type().NumIn() == 1 && m.Type().In(0).Kind() == reflect.String &&
		m.Type().NumOut() >= 1 && m.Type().Out(0).Kind() == reflect.String {
		return m.Call([]reflect.Value{reflect.ValueOf("token")})[0].String()
	}
	return ""
}
