package loadgen

// wordList is the vocabulary of Config.Words payloads.
var wordList = []string{
	"the", "of", "and", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on", "are", "as",
	"with", "his", "they", "at", "be", "this", "have", "from", "or", "one", "had", "by", "word", "but",
	"not", "what", "all", "were", "we", "when", "your", "can", "said", "there", "use", "an", "each",
	"which", "she", "do", "how", "their", "if", "will", "up", "other", "about", "out", "many", "then",
	"them", "these", "so", "some", "her", "would", "make", "like", "him", "into", "time", "has", "look",
	"two", "more", "write", "go", "see", "number", "no", "way", "could", "people", "my", "than", "first",
	"water", "been", "call", "who", "oil", "its", "now", "find", "long", "down", "day", "did", "get",
	"come", "made", "may", "part", "socket", "message", "server", "client", "event", "room", "stream",
}

// words returns n bytes of lower-case words separated by spaces, drawn
// with a fixed pseudo-random sequence (the same payload in every run).
func words(n int) []byte {
	out := make([]byte, 0, n+16)
	x := uint64(0x9e3779b97f4a7c15)
	for len(out) < n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		if len(out) > 0 {
			out = append(out, ' ')
		}
		out = append(out, wordList[x%uint64(len(wordList))]...)
	}
	return out[:n]
}
