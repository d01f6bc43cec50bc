// Package aitest runs a local server that speaks the Chat Completions API,
// for tests: it checks what the client sends and plays scripted answers. It
// is the one fake of the test suite; nothing reaches the network.
package aitest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Key is the API key the server expects unless Options.Key says otherwise.
const Key = "test-key"

// Request is one request the server received, decoded.
type Request struct {
	Path          string
	Authorization string
	Body          map[string]any
	// Model is the body's model.
	Model string
	// Messages are the contents of the body's messages, in order (the text
	// parts of a message made of parts).
	Messages []string
	// Images are the images of the user message (Chat Completions image
	// input), each checked to be a data URL of a JPEG that decodes.
	Images []Image
	// At is when it arrived.
	At time.Time
}

// Image is one image a request carried.
type Image struct {
	// Width and Height are the decoded JPEG's.
	Width, Height int
	Bytes         int
	Detail        string
}

// Text returns every message of the request, joined.
func (r Request) Text() string { return strings.Join(r.Messages, "\n") }

// Play answers one request.
type Play func(w http.ResponseWriter, r *http.Request)

// Options configure a Server.
type Options struct {
	// Key is the expected API key (default Key).
	Key string
	// Model is the expected model (default "gpt-4o-mini").
	Model string
}

// Server is the fake Chat Completions server. It plays its script one
// answer per request; the last answer repeats.
type Server struct {
	*httptest.Server
	t    testing.TB
	opts Options

	// quit ends hanging plays when the test ends, so Close does not wait.
	quit chan struct{}

	mu     sync.Mutex
	script []Play
	reqs   []Request
}

// NewServer starts a server playing script (default: Success with a valid
// profile) and closes it when the test ends.
func NewServer(t testing.TB, o Options, script ...Play) *Server {
	t.Helper()
	if o.Key == "" {
		o.Key = Key
	}
	if o.Model == "" {
		o.Model = "gpt-4o-mini"
	}
	if len(script) == 0 {
		script = []Play{Success(ValidReply())}
	}
	s := &Server{t: t, opts: o, script: script, quit: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() { close(s.quit); s.Close() })
	return s
}

// BaseURL is the value for OPENAI_BASE_URL.
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// SetScript replaces the script; the next request gets its first answer.
func (s *Server) SetScript(script ...Play) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = script
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	req, problems := s.check(r)
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	play := s.script[0]
	if len(s.script) > 1 {
		s.script = s.script[1:]
	}
	s.mu.Unlock()
	if len(problems) > 0 {
		s.t.Errorf("aitest: bad request to %s: %s", r.URL.Path, strings.Join(problems, "; "))
		Status(http.StatusBadRequest, 0)(w, r)
		return
	}
	select {
	case <-s.quit:
		return
	default:
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() {
		select {
		case <-s.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	r = r.WithContext(ctx)
	if len(req.Images) > 0 {
		r.Header.Set("X-Aitest-Has-Image", "1") // for RefuseImages
	}
	play(w, r)
}

// check decodes r and lists how it differs from what a well-behaved client
// sends: the path, the bearer key, the model, a strict JSON-schema response
// format for the four profile fields, a system and a user message.
func (s *Server) check(r *http.Request) (Request, []string) {
	req := Request{Path: r.URL.Path, Authorization: r.Header.Get("Authorization"), At: time.Now()}
	var problems []string
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		problems = append(problems, fmt.Sprintf("want POST /v1/chat/completions, got %s %s", r.Method, r.URL.Path))
	}
	if req.Authorization != "Bearer "+s.opts.Key {
		problems = append(problems, fmt.Sprintf("Authorization is %q", req.Authorization))
	}
	if err := json.NewDecoder(r.Body).Decode(&req.Body); err != nil {
		return req, append(problems, "body is not JSON: "+err.Error())
	}
	req.Model, _ = req.Body["model"].(string)
	if req.Model != s.opts.Model {
		problems = append(problems, fmt.Sprintf("model is %q, want %q", req.Model, s.opts.Model))
	}
	msgs, _ := req.Body["messages"].([]any)
	var roles []string
	for _, m := range msgs {
		mm, _ := m.(map[string]any)
		role, _ := mm["role"].(string)
		roles = append(roles, role)
		content, isText := mm["content"].(string)
		if parts, ok := mm["content"].([]any); ok && !isText {
			var texts []string
			for _, p := range parts {
				pm, _ := p.(map[string]any)
				switch pm["type"] {
				case "text":
					t, _ := pm["text"].(string)
					texts = append(texts, t)
				case "image_url":
					img, problem := decodeImagePart(pm)
					if problem != "" {
						problems = append(problems, problem)
					} else {
						req.Images = append(req.Images, img)
					}
				default:
					problems = append(problems, fmt.Sprintf("unknown content part %v", pm["type"]))
				}
			}
			if role != "user" && len(req.Images) > 0 {
				problems = append(problems, "an image outside the user message")
			}
			content = strings.Join(texts, "\n")
		}
		req.Messages = append(req.Messages, content)
	}
	if strings.Join(roles, ",") != "system,user" {
		problems = append(problems, fmt.Sprintf("message roles are %v, want system,user", roles))
	}
	rf, _ := req.Body["response_format"].(map[string]any)
	js, _ := rf["json_schema"].(map[string]any)
	schema, _ := js["schema"].(map[string]any)
	props, _ := schema["properties"].(map[string]any)
	required, _ := schema["required"].([]any)
	switch {
	case rf["type"] != "json_schema":
		problems = append(problems, fmt.Sprintf("response_format.type is %v", rf["type"]))
	case js["strict"] != true:
		problems = append(problems, "json_schema.strict is not true")
	case schema["type"] != "object" || schema["additionalProperties"] != false:
		problems = append(problems, "schema is not a closed object")
	case len(props) != 4 || len(required) != 4:
		problems = append(problems, fmt.Sprintf("schema has %d properties and %d required, want 4 and 4", len(props), len(required)))
	}
	for _, f := range []string{"bio", "breedGuess", "temperamentTags", "adopterHints"} {
		if _, ok := props[f]; !ok {
			problems = append(problems, "schema lacks "+f)
		}
	}
	return req, problems
}

// decodeImagePart checks one image_url part: a data URL of a JPEG that
// decodes.
func decodeImagePart(pm map[string]any) (Image, string) {
	iu, _ := pm["image_url"].(map[string]any)
	u, _ := iu["url"].(string)
	const prefix = "data:image/jpeg;base64,"
	if !strings.HasPrefix(u, prefix) {
		return Image{}, fmt.Sprintf("image_url is not a JPEG data URL: %.40q", u)
	}
	data, err := base64.StdEncoding.DecodeString(u[len(prefix):])
	if err != nil {
		return Image{}, "image_url's base64 does not decode: " + err.Error()
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Image{}, "image_url's data is not a JPEG: " + err.Error()
	}
	detail, _ := iu["detail"].(string)
	return Image{Width: cfg.Width, Height: cfg.Height, Bytes: len(data), Detail: detail}, ""
}

// RefuseImages plays a model without image input: a request with an image
// gets 400, as OpenAI answers for such a model; one without gets then.
func RefuseImages(then Play) Play {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Aitest-Has-Image") == "1" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"message":"Invalid content type. image_url is only supported by certain models.","type":"invalid_request_error","param":"messages","code":null}}`)
			return
		}
		then(w, r)
	}
}

// ValidReply returns a reply that passes every check.
func ValidReply() map[string]any {
	return map[string]any{
		"bio":             "Luna is a graceful and independent cat who enjoys sunny windowsills and gentle head scratches. She would thrive in a quiet, loving home.",
		"breedGuess":      "Domestic Shorthair",
		"temperamentTags": []string{"independent", "calm", "affectionate", "observant", "gentle"},
		"adopterHints":    "Ideal for singles or couples seeking a low-maintenance companion. Perfect for apartment living.",
	}
}

// ResponseModel is the model name the fake reports in its answers.
const ResponseModel = "gpt-4o-mini-2024-07-18"

// Success answers 200 with reply as the assistant's JSON content.
func Success(reply any) Play {
	b, err := json.Marshal(reply)
	if err != nil {
		panic(err)
	}
	return Content(string(b))
}

// Content answers 200 with content, as it is, as the assistant's message.
func Content(content string) Play {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion", "created": time.Now().Unix(), "model": ResponseModel,
			"choices": []any{map[string]any{
				"index": 0, "finish_reason": "stop", "logprobs": nil,
				"message": map[string]any{"role": "assistant", "content": content, "refusal": nil},
			}},
			"usage": map[string]any{"prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200},
		})
	}
}

// Body answers 200 with body as the whole response (for malformed JSON).
func Body(body string) Play {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(body))
	}
}

// Status answers an API error with the given status; retryAfter > 0 sends
// a Retry-After header of that many seconds.
func Status(code int, retryAfter int) Play {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		}
		writeJSON(w, code, map[string]any{"error": map[string]any{
			"message": http.StatusText(code), "type": "test_error", "param": nil, "code": strconv.Itoa(code),
		}})
	}
}

// Slow waits d (or until the client gives up) before playing next.
func Slow(d time.Duration, next Play) Play {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
			next(w, r)
		case <-r.Context().Done():
		}
	}
}

// Hang never answers; it returns when the client gives up.
func Hang() Play {
	return func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
