package server

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/cmograph/cmograph/graph/generated"
)

// answerPOST is gqlgen's POST transport with one change: an operation's answer is written with
// its data as the executor wrote it. transport.POST writes the whole response with
// json.Marshal, which scans the data again to compact and escape it and copies it on the way:
// at 10,000 CMOCs a sixth of the nested read, spent after the answer is ready. A body that
// cannot be read or decoded is handed to transport.POST, replayed, so those errors read as
// gqlgen writes them; TestAnswerPOSTWritesWhatPOSTWrites holds the two alike. The executor
// writes the answer into a buffer lent from buffers and given back once it has been sent.
type answerPOST struct {
	transport.POST
	buffers *sync.Pool
}

// maxKeptBuffer is the largest response buffer kept for the next request: the nested read's
// answer at 10,000 CMOCs is 780 KiB, and a rare larger answer should not pin its memory.
const maxKeptBuffer = 4 << 20

func newAnswerPOST() answerPOST {
	return answerPOST{buffers: &sync.Pool{New: func() any { return new(generated.ResponseBuffer) }}}
}

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

func (t answerPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), failingReader{err}))
		t.POST.Do(w, r, exec)
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		t.POST.Do(w, r, exec)
		return
	}
	contentType := responseContentType(r)
	w.Header().Add("Content-Type", contentType)
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	ctx := r.Context()
	rc, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		status := http.StatusOK
		if errcode.GetErrorKind(opErr) == errcode.KindProtocol {
			status = http.StatusUnprocessableEntity
			if contentType == mediaGraphQLResponse {
				status = http.StatusBadRequest
			}
		}
		w.WriteHeader(status)
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	buf := t.buffers.Get().(*generated.ResponseBuffer)
	defer func() {
		if buf.Cap() <= maxKeptBuffer {
			buf.Reset()
			t.buffers.Put(buf)
		}
	}()
	responses, ctx := exec.DispatchOperation(generated.WithResponseBuffer(ctx, buf), rc)
	writeResponse(w, responses(ctx))
}

// responseContentType is the media type the client accepts, as transport.POST chooses it.
func responseContentType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", mediaJSON:
			return mediaJSON
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		}
	}
	return mediaGraphQLResponse
}

// writeResponse writes a response as json.Marshal would, with the data as it is: the fields
// around it, then the data itself, not copied.
func writeResponse(w io.Writer, resp *graphql.Response) {
	if resp == nil {
		// the executor's end of stream, as when the request was cancelled before it ran;
		// transport.POST writes it as null
		_, _ = w.Write([]byte("null"))
		return
	}
	head := []byte(`{`)
	if len(resp.Errors) > 0 {
		head = appendField(head, "errors", resp.Errors)
		head = append(head, ',')
	}
	head = append(head, `"data":`...)
	data := []byte(resp.Data)
	if len(data) == 0 {
		data = []byte("null")
	}
	var tail []byte
	if resp.Label != "" {
		tail = appendField(append(tail, ','), "label", resp.Label)
	}
	if len(resp.Path) > 0 {
		tail = appendField(append(tail, ','), "path", resp.Path)
	}
	if resp.HasNext != nil {
		tail = appendField(append(tail, ','), "hasNext", resp.HasNext)
	}
	if len(resp.Extensions) > 0 {
		tail = appendField(append(tail, ','), "extensions", resp.Extensions)
	}
	tail = append(tail, '}')
	for _, part := range [][]byte{head, data, tail} {
		if _, err := w.Write(part); err != nil {
			return // the client has gone
		}
	}
}

func appendField(b []byte, name string, v any) []byte {
	enc, err := json.Marshal(v)
	if err != nil {
		// what the executor puts in a response always marshals; transport.POST panics too
		panic(err)
	}
	b = append(b, `"`+name+`":`...)
	return append(b, enc...)
}

// failingReader fails as the request body did, for transport.POST to report.
type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }
