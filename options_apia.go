package tornadio

// DefaultHTTPHandlerMaxBody is the default of Options.HTTPHandlerMaxBody:
// 10 MiB, the cap net/http's Request.ParseForm puts on a form body.
const DefaultHTTPHandlerMaxBody = 10 << 20

// WithHTTPHandlerMaxBody bounds the body of a request served by the
// WithHTTPHandler handler (default DefaultHTTPHandlerMaxBody); see
// Options.HTTPHandlerMaxBody.
func WithHTTPHandlerMaxBody(n int64) Option { return func(o *Options) { o.HTTPHandlerMaxBody = n } }

// httpHandlerMaxBody is HTTPHandlerMaxBody with its default.
func (o *Options) httpHandlerMaxBody() int64 {
	if o.HTTPHandlerMaxBody == 0 {
		return DefaultHTTPHandlerMaxBody
	}
	return o.HTTPHandlerMaxBody
}
