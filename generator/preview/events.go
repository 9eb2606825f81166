package preview

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// hub hands each new site to the event streams. Every subscriber holds at
// most one pending site, the newest: a slow browser skips intermediate
// builds, which is what a reload wants.
type hub struct {
	mu   sync.Mutex
	subs map[chan *site]struct{}
}

func (h *hub) init() { h.subs = map[chan *site]struct{}{} }

func (h *hub) subscribe() chan *site {
	c := make(chan *site, 1)
	h.mu.Lock()
	h.subs[c] = struct{}{}
	h.mu.Unlock()
	return c
}

func (h *hub) unsubscribe(c chan *site) {
	h.mu.Lock()
	delete(h.subs, c)
	h.mu.Unlock()
}

// count is the number of open streams.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (h *hub) publish(st *site) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs {
		select { // drop a pending older site
		case <-c:
		default:
		}
		c <- st
	}
}

// keepAlive is how often an idle stream gets a comment, so proxies and
// browsers keep it open.
const keepAlive = 20 * time.Second

// events streams Server-Sent Events to one page: "reload" when a build
// newer than the page's (query gen) is served, "problems" with the build
// errors as a JSON list of "file:line: message" strings.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	pageGen, _ := strconv.ParseInt(r.URL.Query().Get("gen"), 10, 64)
	c := s.hub.subscribe()
	defer s.hub.unsubscribe(c)

	// Reconnect quickly after a restart of gazette serve.
	fmt.Fprint(w, "retry: 500\n\n")
	var shown string // problems last sent
	send := func(st *site) error {
		if st.files != nil && st.gen != pageGen {
			pageGen = st.gen
			fmt.Fprintf(w, "event: reload\ndata: %d\n\n", st.gen)
		} else if len(st.problems) > 0 {
			list := make([]string, len(st.problems))
			for i, p := range st.problems {
				list[i] = p.Error()
			}
			b, _ := json.Marshal(list)
			if string(b) != shown {
				shown = string(b)
				fmt.Fprintf(w, "event: problems\ndata: %s\n\n", b)
			}
		}
		return rc.Flush()
	}
	if send(s.current.Load()) != nil {
		return
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case st := <-c:
			if send(st) != nil {
				return
			}
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			if rc.Flush() != nil {
				return
			}
		}
	}
}

// script is the live-reload script injected into every page of build gen.
// A hidden tab closes its stream and opens it again when shown (and then
// reloads at once if it is stale): browsers allow only six connections per
// host, and a stream per background tab would soon use them up.
func script(base string, gen int64) string {
	url, _ := json.Marshal(base + EventsPath + "?gen=" + strconv.FormatInt(gen, 10))
	style, _ := json.Marshal(overlayStyle)
	return `<script>(function(){var es=null;` +
		`function problems(e){` +
		`var o=document.getElementById("gazette-overlay");if(o)o.remove();` +
		`o=document.createElement("div");o.id="gazette-overlay";o.setAttribute("role","alert");o.style.cssText=` + string(style) + `;` +
		`var h=document.createElement("p");h.style.cssText="margin:0 0 .5em;font-weight:bold";` +
		`h.textContent="gazette: the build failed; this page is from the last good build";o.appendChild(h);` +
		`JSON.parse(e.data).forEach(function(t){var p=document.createElement("pre");` +
		`p.style.cssText="margin:.25em 0;white-space:pre-wrap";p.textContent=t;o.appendChild(p);});` +
		`document.body.appendChild(o);}` +
		`function open(){es=new EventSource(` + string(url) + `);` +
		`es.addEventListener("reload",function(){es.close();location.reload();});` +
		`es.addEventListener("problems",problems);}` +
		`document.addEventListener("visibilitychange",function(){` +
		`if(document.hidden){if(es){es.close();es=null;}}else if(!es)open();});` +
		`if(!document.hidden)open();` +
		`})();</script>`
}
