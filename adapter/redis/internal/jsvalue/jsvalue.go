// Package jsvalue walks the values encoding/json works with, as the Redis
// adapters' callers hand them over: binary is a []byte at the top of the
// value or nested in []any and map[string]any.
package jsvalue

// MapBytes returns v with each []byte in it (at the top or nested in []any
// and map[string]any) replaced by f of it. It copies the containers on the
// way and leaves v itself unchanged.
func MapBytes(v any, f func([]byte) any) any {
	switch x := v.(type) {
	case []byte:
		return f(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = MapBytes(e, f)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = MapBytes(e, f)
		}
		return out
	}
	return v
}
