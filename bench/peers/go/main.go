// A Go standard-library push server doing the same job as PushLab's routes, as a peer for
// the side-by-side benchmark (bench/run.sh): publish, short poll and long poll with ids,
// and an SSE broadcast. Messages carry PushLab's JSON shape {"id","text","publishedAt"}.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

type message struct {
	ID          int64  `json:"id"`
	Text        string `json:"text"`
	PublishedAt int64  `json:"publishedAt"`
}

type subscriber struct {
	events chan []byte
}

// hub keeps a bounded history and the open streams. Each message is encoded once and the
// same bytes go to every stream.
type hub struct {
	mu      sync.Mutex
	history []message // oldest first, at most historyLimit
	lastID  int64
	streams map[*subscriber]struct{}
	wake    chan struct{} // closed (and replaced) on every publish: wakes the long polls
}

const historyLimit = 1000

func newHub() *hub {
	return &hub{
		lastID:  time.Now().UnixMicro(), // like PushLab: ids never reused across restarts
		streams: make(map[*subscriber]struct{}),
		wake:    make(chan struct{}),
	}
}

func (h *hub) publish(text string) message {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastID++
	m := message{ID: h.lastID, Text: text, PublishedAt: time.Now().UnixMicro()}
	h.history = append(h.history, m)
	if len(h.history) > historyLimit {
		h.history = append([]message(nil), h.history[len(h.history)-historyLimit:]...)
	}
	data, _ := json.Marshal(m)
	event := []byte("id: " + strconv.FormatInt(m.ID, 10) + "\nevent: message\ndata: " + string(data) + "\n\n")
	for s := range h.streams {
		select {
		case s.events <- event:
		default: // a stream that stopped reading loses the event rather than stalling everyone
		}
	}
	close(h.wake)
	h.wake = make(chan struct{})
	return m
}

// after returns the retained messages with id > since, the last id, and the channel that is
// closed on the next publish.
func (h *hub) after(since int64) ([]message, int64, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []message
	for i := len(h.history) - 1; i >= 0 && h.history[i].ID > since; i-- {
		out = append(out, h.history[i])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, h.lastID, h.wake
}

func (h *hub) heartbeat() {
	beat := []byte(": heartbeat\n\n")
	for range time.Tick(15 * time.Second) {
		h.mu.Lock()
		for s := range h.streams {
			select {
			case s.events <- beat:
			default:
			}
		}
		h.mu.Unlock()
	}
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func fail(w http.ResponseWriter, status int, sentence string) {
	writeJSON(w, status, map[string]string{"error": sentence})
}

type pollAnswer struct {
	Messages []message `json:"messages"`
	LastID   int64     `json:"lastId"`
}

func sinceParam(r *http.Request, fallback int64) (int64, bool) {
	v := r.URL.Query().Get("since")
	if v == "" {
		return fallback, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n >= 0
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (loopback)")
	flag.Parse()
	h := newHub()
	go h.heartbeat()

	mux := http.NewServeMux()
	mux.HandleFunc("/api/messages", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			body, err := io.ReadAll(io.LimitReader(r.Body, 64*1024+1))
			if err != nil || len(body) == 0 {
				fail(w, http.StatusBadRequest, "The message text is empty.")
				return
			}
			if len(body) > 64*1024 {
				fail(w, http.StatusRequestEntityTooLarge, "The message text is over 64 KiB.")
				return
			}
			writeJSON(w, http.StatusCreated, h.publish(string(body)))
		case http.MethodGet:
			_, last, _ := h.after(1 << 62)
			since, ok := sinceParam(r, last)
			if !ok {
				fail(w, http.StatusBadRequest, "since must be a non-negative integer.")
				return
			}
			msgs, last, _ := h.after(since)
			if msgs == nil {
				msgs = []message{}
			}
			writeJSON(w, http.StatusOK, pollAnswer{msgs, last})
		default:
			w.Header().Set("Allow", "GET, POST")
			fail(w, http.StatusMethodNotAllowed, "Use GET or POST.")
		}
	})
	mux.HandleFunc("/api/messages/wait", func(w http.ResponseWriter, r *http.Request) {
		_, last, _ := h.after(1 << 62)
		since, ok := sinceParam(r, last)
		if !ok {
			fail(w, http.StatusBadRequest, "since must be a non-negative integer.")
			return
		}
		timeout := 30
		if v := r.URL.Query().Get("timeout"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				fail(w, http.StatusBadRequest, "timeout must be a non-negative integer.")
				return
			}
			timeout = n
		}
		if timeout < 1 {
			timeout = 1
		} else if timeout > 120 {
			timeout = 120
		}
		timer := time.NewTimer(time.Duration(timeout) * time.Second)
		defer timer.Stop()
		for {
			msgs, last, wake := h.after(since)
			if len(msgs) > 0 {
				writeJSON(w, http.StatusOK, pollAnswer{msgs, last})
				return
			}
			select {
			case <-wake:
			case <-timer.C:
				w.WriteHeader(http.StatusNoContent)
				return
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("/api/events", func(w http.ResponseWriter, r *http.Request) {
		flusher, ok := w.(http.Flusher)
		if !ok {
			fail(w, http.StatusInternalServerError, "Streaming is not supported.")
			return
		}
		hdr := w.Header()
		hdr.Set("Content-Type", "text/event-stream")
		hdr.Set("Cache-Control", "no-cache")
		hdr.Set("X-Accel-Buffering", "no")
		hdr.Set("Access-Control-Allow-Origin", "*")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "retry: 2000\n\n")
		flusher.Flush()
		s := &subscriber{events: make(chan []byte, 64)}
		h.mu.Lock()
		h.streams[s] = struct{}{}
		h.mu.Unlock()
		defer func() {
			h.mu.Lock()
			delete(h.streams, s)
			h.mu.Unlock()
		}()
		for {
			select {
			case event := <-s.events:
				if _, err := w.Write(event); err != nil {
					return
				}
				for drained := false; !drained; { // batch what is queued into one flush
					select {
					case more := <-s.events:
						if _, err := w.Write(more); err != nil {
							return
						}
					default:
						drained = true
					}
				}
				flusher.Flush()
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("/api/stats", func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		stats := map[string]interface{}{"lastId": h.lastID, "streams": len(h.streams)}
		h.mu.Unlock()
		writeJSON(w, http.StatusOK, stats)
	})

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Go peer listening on http://%s/\n", listener.Addr())
	os.Stdout.Sync()
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(server.Serve(listener))
}
