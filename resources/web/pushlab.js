// PushLab browser page: the four push patterns against the server that served this page.
// Plain JavaScript, no dependencies. Message text only ever reaches the DOM through textContent.
'use strict';

(() => {
    const PATTERNS = ['short', 'long', 'sse', 'ws'];
    const NAMES = { short: 'Short poll', long: 'Long poll', sse: 'SSE', ws: 'WebSocket' };
    const MAX_LIST_ITEMS = 150;       // DOM rows kept per lane
    const TIMELINE_KEEP_MS = 130000;   // longest timeline window plus a margin
    const STATS_PERIOD_MS = 2000;

    const { formatLatency, LatencySamples, IdLedger, clockCannotBeTrusted, isLoopbackHost, shellQuote, shortAgent } =
        window.PushLabCore;
    // The wire contract (contract.js, generated from common/wirecontract.h): defaults, ranges, names.
    const Wire = window.PushLabWire;
    const seconds = (ms) => `${ms / 1000} s`;
    const $ = (sel, root = document) => root.querySelector(sel);

    function el(tag, className, text) {
        const node = document.createElement(tag);
        if (className)
            node.className = className;
        if (text !== undefined)
            node.textContent = String(text);
        return node;
    }

    // Resolves after ms, or at once when signal aborts; leaves no listener behind either way
    // (a poll loop sleeps several times a second for hours).
    const sleep = (ms, signal) => new Promise((resolve) => {
        if (signal && signal.aborted) {
            resolve();
            return;
        }
        const onAbort = () => { clearTimeout(timer); resolve(); };
        const timer = setTimeout(() => {
            if (signal)
                signal.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        if (signal)
            signal.addEventListener('abort', onAbort, { once: true });
    });

    // ---- clock -------------------------------------------------------------------------------
    // Latency = receive time - publishedAt (server clock, µs since the epoch). performance.now()
    // gives sub-millisecond resolution; its origin is re-aligned with Date.now() if the wall clock
    // was stepped, because Date.now() is what the server's clock is comparable to.
    const clock = {
        correctionMs: 0,
        nowUs() { return Math.round((performance.timeOrigin + performance.now() + this.correctionMs) * 1000); },
        // Converts a server timestamp (µs since epoch) to the performance.now() time base (ms).
        toLocalMs(epochUs) { return epochUs / 1000 - performance.timeOrigin - this.correctionMs; },
        resync() {
            const drift = Date.now() - (performance.timeOrigin + performance.now() + this.correctionMs);
            // Date.now() truncates to whole milliseconds, so in sync means drift in (-1, 0].
            if (drift > 0.5 || drift < -1.5)
                this.correctionMs += drift + 0.5;
        },
    };
    const sameMachine = isLoopbackHost(location.hostname);
    let negativeSeenUs = null;

    function updateClockNotice() {
        const notice = $('#clock-notice');
        let text = '';
        if (!sameMachine) {
            text = `Latency figures compare this browser's clock with the server's: this page was loaded from ` +
                `${location.hostname}, not from the server's own machine, so they are off by however much the ` +
                `two clocks disagree. Run the browser on the server's machine for exact figures.`;
        }
        if (negativeSeenUs !== null) {
            text = `This browser's clock cannot be trusted for latency: a message arrived ` +
                `${formatLatency(-negativeSeenUs)} before it was published by the server's clock. ` +
                (sameMachine ? '' : `The page was loaded from ${location.hostname}, not the server's machine. `) +
                `Counts and ordering are still exact.`;
        }
        notice.hidden = text === '';
        notice.textContent = text ? `⚠ ${text}` : '';
        document.body.dataset.clockTrusted = String(text === '');
    }

    function formatClock(epochMs) {
        const d = new Date(epochMs);
        const pad = (n, w = 2) => String(n).padStart(w, '0');
        return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    }

    // ---- timeline model -----------------------------------------------------------------------
    // Times are on the performance.now() base (ms). Spans are requests (polls) or open streams.
    const timeline = {
        spans: { short: [], long: [], sse: [], ws: [] },
        dots: { short: [], long: [], sse: [], ws: [] },
        empties: { short: [], long: [], sse: [], ws: [] },
        errors: { short: [], long: [], sse: [], ws: [] }, // failed requests, dropped streams
        published: new Map(), // id -> local ms
        begin(pattern) {
            const span = { start: performance.now(), end: null };
            this.spans[pattern].push(span);
            return span;
        },
        end(pattern, span, outcome) {
            span.end = performance.now();
            if (outcome === 'empty')
                this.empties[pattern].push(span.end);
            else if (outcome === 'error')
                this.errors[pattern].push(span.end);
        },
        prune() {
            const horizon = performance.now() - TIMELINE_KEEP_MS;
            for (const p of PATTERNS) {
                const spans = this.spans[p];
                let i = 0;
                while (i < spans.length && spans[i].end !== null && spans[i].end < horizon)
                    ++i;
                if (i)
                    spans.splice(0, i);
                for (const list of [this.dots[p], this.empties[p], this.errors[p]]) {
                    let j = 0;
                    while (j < list.length && list[j] < horizon)
                        ++j;
                    if (j)
                        list.splice(0, j);
                }
            }
            for (const [id, t] of this.published) {
                if (t >= horizon)
                    break;
                this.published.delete(id);
            }
        },
    };

    // ---- lanes --------------------------------------------------------------------------------
    const STAT_CELLS = {
        short: [['messages', 'Messages'], ['requests', 'Requests'], ['empty', 'Empty'],
                ['p50', 'p50'], ['p95', 'p95'], ['max', 'Max']],
        long: [['messages', 'Messages'], ['requests', 'Requests'], ['empty', 'Empty (204)'],
               ['p50', 'p50'], ['p95', 'p95'], ['max', 'Max']],
        sse: [['messages', 'Messages'], ['requests', 'Connections'], ['empty', 'Reconnects'],
              ['p50', 'p50'], ['p95', 'p95'], ['max', 'Max']],
        ws: [['messages', 'Messages'], ['requests', 'Connections'], ['empty', 'Reconnects'],
             ['p50', 'p50'], ['p95', 'p95'], ['max', 'Max']],
    };

    class Lane {
        constructor(pattern) {
            this.pattern = pattern;
            this.root = $(`#lane-${pattern}`);
            this.list = $('[data-role="messages"]', this.root);
            this.stateLabel = $('[data-role="state"]', this.root);
            this.alert = $('[data-role="alert"]', this.root);
            this.pauseButton = $('[data-role="pause"]', this.root);
            this.messages = 0;
            this.requests = 0;
            this.empty = 0;
            this.ledger = new IdLedger();
            this.latency = new LatencySamples();
            this.pending = []; // rows not yet in the DOM
            this.running = false;
            this.errorText = '';
            this.cells = {};
            const stats = $('.stats', this.root);
            for (const [key, label] of STAT_CELLS[pattern]) {
                const cell = el('div');
                cell.dataset.stat = key;
                cell.append(el('dt', '', label));
                const dd = el('dd', '', key === 'messages' || key === 'requests' || key === 'empty' ? '0' : '—');
                cell.append(dd);
                stats.append(cell);
                this.cells[key] = dd;
            }
            this.pauseButton.addEventListener('click', () => {
                if (this.running)
                    this.stop();
                else
                    this.start();
                this.pauseButton.textContent = this.running ? 'Pause' : 'Resume';
            });
        }

        setState(state) {
            this.root.dataset.state = state;
            this.stateLabel.textContent = state;
        }

        setError(text) {
            this.errorText = text;
            this.refreshAlert();
        }

        refreshAlert() {
            const { duplicates, lost, gaps } = this.ledger;
            const parts = [];
            if (this.errorText)
                parts.push(this.errorText);
            if (duplicates)
                parts.push(`${duplicates} duplicate${duplicates === 1 ? '' : 's'} received`);
            if (lost)
                parts.push(`${lost} message${lost === 1 ? '' : 's'} skipped without a gap notice`);
            if (gaps)
                parts.push(`${gaps} gap${gaps === 1 ? '' : 's'} reported by the server`);
            this.alert.hidden = parts.length === 0;
            this.alert.textContent = parts.join(' · ');
            this.root.dataset.duplicates = String(duplicates);
            this.root.dataset.lost = String(lost);
            this.root.dataset.gaps = String(gaps);
        }

        // The highest id this lane has seen (or the "now" the server announced): where to resume.
        get lastId() { return this.ledger.lastId; }

        deliver(message, receivedUs, batchSize) {
            if (!message || typeof message.id !== 'number')
                return;
            const id = message.id;
            const verdict = this.ledger.accept(id);
            if (verdict !== 'new')
                this.refreshAlert();
            if (verdict === 'duplicate')
                return;
            ++this.messages;
            let latencyUs = typeof message.publishedAt === 'number' ? receivedUs - message.publishedAt : null;
            if (latencyUs !== null && clockCannotBeTrusted(latencyUs)) {
                // Before blaming the clock, make sure it is not this page's own time base that
                // drifted from the system clock (it is re-aligned only every 5 s).
                const before = clock.correctionMs;
                clock.resync();
                receivedUs += Math.round((clock.correctionMs - before) * 1000);
                latencyUs = receivedUs - message.publishedAt;
            }
            if (latencyUs !== null) {
                this.latency.add(latencyUs);
                // Timer coarsening makes small negative latencies on an honest clock: only a clearly
                // negative one says the clock is wrong.
                if (clockCannotBeTrusted(latencyUs) && (negativeSeenUs === null || latencyUs < negativeSeenUs)) {
                    negativeSeenUs = latencyUs;
                    updateClockNotice();
                }
                if (!timeline.published.has(id))
                    timeline.published.set(id, clock.toLocalMs(message.publishedAt));
            }
            timeline.dots[this.pattern].push(performance.now());
            // Rows are built at the next frame, and only the ones that stay in the list: a flood
            // of messages must not become a flood of DOM work.
            this.enqueue({ id, text: message.text ?? '', latencyUs, receivedUs, batchSize });
        }

        buildRow(entry) {
            const item = el('li');
            item.dataset.id = String(entry.id);
            const text = el('span', 'text', entry.text);
            text.title = entry.text;
            item.append(text, el('span', 'lat', formatLatency(entry.latencyUs)));
            let meta = `#${entry.id} · ${formatClock(entry.receivedUs / 1000)}`;
            if (entry.batchSize > 1)
                meta += ` · ${entry.batchSize} in one answer`;
            item.append(el('span', 'meta', meta));
            return item;
        }

        gap(info) {
            if (!info)
                return;
            const missing = this.ledger.gap(info);
            const seen = info.lastSeenId;
            const first = info.firstAvailableId;
            const text = missing !== null
                ? `Gap: ${missing} message${missing === 1 ? '' : 's'} after #${seen} ` +
                  `${missing === 1 ? 'is' : 'are'} no longer retained; resuming at #${first}.`
                : `Gap: #${seen} is not from this server run (restarted?); resuming at #${first}.`;
            this.enqueue({ node: el('li', 'gap', `⚠ ${text}`) });
            this.refreshAlert();
        }

        note(text) {
            this.enqueue({ node: el('li', 'note', text) });
        }

        enqueue(entry) {
            this.pending.push(entry);
            if (this.pending.length > 4 * MAX_LIST_ITEMS)
                this.pending.splice(0, this.pending.length - MAX_LIST_ITEMS);
            scheduleRender();
        }

        flushRows() {
            if (this.pending.length === 0)
                return;
            const entries = this.pending.slice(-MAX_LIST_ITEMS);
            this.pending = [];
            const fragment = document.createDocumentFragment();
            // Newest on top; the highlight only when a few arrive, so a burst does not flicker.
            const highlight = entries.length <= 5;
            for (let i = entries.length - 1; i >= 0; --i) {
                const row = entries[i].node || this.buildRow(entries[i]);
                if (highlight)
                    row.classList.add('fresh');
                fragment.append(row);
            }
            this.list.prepend(fragment);
            while (this.list.childElementCount > MAX_LIST_ITEMS)
                this.list.lastElementChild.remove();
        }

        render() {
            this.flushRows();
            const c = this.cells;
            c.messages.textContent = String(this.messages);
            c.requests.textContent = String(this.requests);
            c.empty.textContent = String(this.empty);
            c.p50.textContent = formatLatency(this.latency.percentile(0.5));
            c.p95.textContent = formatLatency(this.latency.percentile(0.95));
            c.max.textContent = formatLatency(this.latency.max);
            this.root.dataset.messages = String(this.messages);
        }

        start() {}
        stop() {}
    }

    class HttpError extends Error {
        constructor(status, message) { super(message); this.status = status; }
    }

    async function readError(response) {
        try {
            const body = await response.json();
            if (body && typeof body.error === 'string')
                return new HttpError(response.status, `${response.status}: ${body.error}`);
        } catch (_) { /* not JSON */ }
        return new HttpError(response.status, `HTTP ${response.status}`);
    }

    function backoffMs(attempt) { return Math.min(10000, 500 * 2 ** Math.min(attempt, 5)); }

    // Applies one poll answer ({messages, lastId, gap?}) to a lane.
    function applyPollAnswer(lane, body, receivedUs) {
        if (body.gap)
            lane.gap(body.gap);
        const messages = Array.isArray(body.messages) ? body.messages : [];
        for (const m of messages)
            lane.deliver(m, receivedUs, messages.length);
        lane.ledger.announce(body.lastId);
        return messages.length;
    }

    // A lane driven by an async loop (the two polls): pausing aborts the request in flight.
    class PollLane extends Lane {
        start() {
            if (this.running)
                return;
            this.running = true;
            this.abort = new AbortController();
            this.loop(this.abort.signal);
        }
        stop() {
            this.running = false;
            this.abort.abort();
            this.setState('paused');
        }
    }

    class ShortPollLane extends PollLane {
        constructor() {
            super('short');
            this.interval = $('[data-role="interval"]', this.root);
            this.interval.addEventListener('change', () => this.wake && this.wake.abort());
        }
        async loop(signal) {
            let failures = 0;
            while (!signal.aborted) {
                const url = this.lastId === null ? 'api/messages' : `api/messages?since=${this.lastId}`;
                this.setState('polling');
                ++this.requests;
                scheduleRender();
                const span = timeline.begin('short');
                let count = 0;
                try {
                    const response = await fetch(url, { cache: 'no-store', signal });
                    if (!response.ok)
                        throw await readError(response);
                    const raw = await response.text();
                    const receivedUs = clock.nowUs();
                    count = applyPollAnswer(this, JSON.parse(raw), receivedUs);
                    if (count === 0)
                        ++this.empty;
                    failures = 0;
                    this.setError('');
                } catch (e) {
                    if (signal.aborted) {
                        timeline.end('short', span, 'aborted'); // paused: the request was cancelled
                        break;
                    }
                    ++failures;
                    this.setError(`Request failed (${e.message}); retrying.`);
                }
                timeline.end('short', span, failures ? 'error' : count === 0 ? 'empty' : 'messages');
                scheduleRender();
                this.setState(failures ? 'error' : 'idle');
                // A changed interval takes effect at once: the select aborts this wait.
                this.wake = new AbortController();
                const both = AbortSignal.any ? AbortSignal.any([signal, this.wake.signal]) : signal;
                await sleep(failures ? backoffMs(failures) : Number(this.interval.value), both);
            }
        }
    }

    class LongPollLane extends PollLane {
        constructor() {
            super('long');
            this.timeout = $('[data-role="timeout"]', this.root);
        }
        async loop(signal) {
            let failures = 0;
            if (this.lastId === null) {
                // Learn where "now" is first: a poll without since that times out (204) tells no
                // lastId, and a message published before the next poll would be missed.
                try {
                    const response = await fetch('api/stats', { cache: 'no-store', signal });
                    if (response.ok)
                        this.ledger.announce((await response.json()).lastId);
                } catch (_) { /* fall back to "wait for the next message" */ }
            }
            while (!signal.aborted) {
                let url = `api/messages/wait?timeout=${Number(this.timeout.value)}`;
                if (this.lastId !== null)
                    url += `&since=${this.lastId}`;
                this.setState('waiting');
                ++this.requests;
                scheduleRender();
                const span = timeline.begin('long');
                let count = 0;
                try {
                    const response = await fetch(url, { cache: 'no-store', signal });
                    if (response.status === 204) {
                        await response.arrayBuffer();
                    } else if (response.ok) {
                        const raw = await response.text();
                        const receivedUs = clock.nowUs();
                        count = applyPollAnswer(this, JSON.parse(raw), receivedUs);
                    } else {
                        throw await readError(response);
                    }
                    if (count === 0)
                        ++this.empty;
                    failures = 0;
                    this.setError('');
                } catch (e) {
                    if (signal.aborted) {
                        timeline.end('long', span, 'aborted'); // paused: the request was cancelled
                        break;
                    }
                    ++failures;
                    this.setError(`Request failed (${e.message}); retrying.`);
                }
                timeline.end('long', span, failures ? 'error' : count === 0 ? 'empty' : 'messages');
                scheduleRender();
                if (failures) {
                    this.setState('error');
                    await sleep(backoffMs(failures), signal);
                }
            }
        }
    }

    // A lane holding one long-lived connection (SSE, WebSocket): pausing closes it; its span on
    // the timeline lasts as long as the connection is open. Subclasses open() and closeConnection().
    class ConnectionLane extends Lane {
        constructor(pattern) {
            super(pattern);
            this.span = null;
        }
        start() {
            if (this.running)
                return;
            this.running = true;
            this.open();
        }
        stop() {
            this.running = false;
            clearTimeout(this.reopenTimer);
            this.closeConnection();
            this.endSpan();
            this.setState('paused');
        }
        endSpan(outcome) {
            if (this.span) {
                timeline.end(this.pattern, this.span, outcome);
                this.span = null;
            }
        }
    }

    class SseLane extends ConnectionLane {
        constructor() {
            super('sse');
            this.source = null;
            this.opensOnSource = 0;
        }
        closeConnection() {
            if (this.source) {
                this.source.close();
                this.source = null;
            }
        }
        open() {
            // A fresh EventSource has no Last-Event-ID of its own: resume through the query string.
            const url = this.lastId === null ? 'api/events' : `api/events?lastEventId=${this.lastId}`;
            const source = new EventSource(url);
            this.source = source;
            this.opensOnSource = 0;
            this.setState('connecting');
            source.addEventListener('open', () => {
                if (source !== this.source)
                    return;
                ++this.requests;
                if (this.opensOnSource++ > 0) {
                    // The browser's own reconnect (it sent Last-Event-ID by itself).
                    ++this.empty;
                    this.note(`Stream reopened by the browser, resuming after #${this.lastId ?? '—'}.`);
                }
                this.endSpan();
                this.span = timeline.begin('sse');
                this.setState('open');
                this.setError('');
                scheduleRender();
            });
            source.addEventListener('message', (event) => {
                const receivedUs = clock.nowUs();
                let message;
                try {
                    message = JSON.parse(event.data);
                } catch (_) {
                    this.setError('An event did not carry message JSON.');
                    return;
                }
                this.deliver(message, receivedUs, 1);
            });
            source.addEventListener('gap', (event) => {
                try {
                    this.gap(JSON.parse(event.data));
                } catch (_) {
                    this.setError('A gap event did not carry JSON.');
                }
            });
            source.addEventListener('error', () => {
                if (source !== this.source)
                    return;
                if (this.span)
                    this.endSpan('error'); // an open stream was dropped
                else
                    timeline.errors.sse.push(performance.now()); // a reconnect attempt failed
                if (source.readyState === EventSource.CLOSED) {
                    // The browser gave up (e.g. a non-200 answer): reopen ourselves after a pause.
                    this.source = null;
                    this.setState('error');
                    this.setError('The stream was refused; reopening in 3 s.');
                    this.reopenTimer = setTimeout(() => { if (this.running) this.open(); }, 3000);
                } else {
                    this.setState('reconnecting');
                }
                scheduleRender();
            });
        }
    }

    // WebSocket: the browser's API never reconnects and never resumes. This lane does both, as
    // an application must: after a close it opens a new socket (after the same delay SSE waits
    // by default) with ?since=<the last id it holds>, so nothing published meanwhile is lost.
    class WsLane extends ConnectionLane {
        constructor() {
            super('ws');
            this.socket = null;
            this.everOpened = false;
        }
        closeConnection() {
            const socket = this.socket;
            this.socket = null; // its close event is then not ours
            if (socket)
                socket.close(1000);
        }
        url() {
            const url = new URL(Wire.webSocketPath.slice(1), location.href);
            url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
            if (this.lastId !== null)
                url.search = `since=${this.lastId}`;
            return url.href;
        }
        open() {
            const socket = new WebSocket(this.url());
            this.socket = socket;
            this.setState('connecting');
            socket.addEventListener('open', () => {
                if (socket !== this.socket)
                    return;
                ++this.requests;
                if (this.everOpened) {
                    ++this.empty;
                    this.note(`Reconnected by this page (a WebSocket never reconnects by itself), ` +
                              `resuming after #${this.lastId ?? '—'}.`);
                }
                this.everOpened = true;
                this.span = timeline.begin('ws');
                this.setState('open');
                this.setError('');
                scheduleRender();
            });
            socket.addEventListener('message', (event) => {
                if (socket !== this.socket)
                    return;
                const receivedUs = clock.nowUs();
                let data;
                try {
                    data = JSON.parse(event.data);
                } catch (_) {
                    this.setError('A frame did not carry message JSON.');
                    return;
                }
                if (data && data[Wire.Key.gap])
                    this.gap(data[Wire.Key.gap]);
                else
                    this.deliver(data, receivedUs, 1);
            });
            socket.addEventListener('close', (event) => {
                if (socket !== this.socket)
                    return;
                this.socket = null;
                const clean = event.code === 1000 || event.code === 1001;
                if (this.span)
                    this.endSpan(clean ? undefined : 'error');
                else
                    timeline.errors.ws.push(performance.now()); // it never opened
                if (!this.running)
                    return;
                const delay = Wire.retryDefaultMs;
                this.setState('reconnecting');
                if (!clean)
                    this.setError(`Closed with code ${event.code}${event.reason ? `: ${event.reason}` : ''}; ` +
                                  `reopening in ${seconds(delay)}.`);
                this.reopenTimer = setTimeout(() => { if (this.running) this.open(); }, delay);
                scheduleRender();
            });
        }
    }

    const lanes = { short: new ShortPollLane(), long: new LongPollLane(), sse: new SseLane(), ws: new WsLane() };

    // ---- rendering ----------------------------------------------------------------------------
    let renderQueued = false;
    function scheduleRender() {
        if (renderQueued)
            return;
        renderQueued = true;
        // rAF does not run in a hidden tab; a timeout keeps counts current there.
        const run = () => {
            if (!renderQueued)
                return;
            renderQueued = false;
            for (const p of PATTERNS)
                lanes[p].render();
        };
        requestAnimationFrame(run);
        setTimeout(run, 250);
    }

    const canvas = $('#timeline');
    const windowSelect = $('#timeline-window');
    const css = getComputedStyle(document.documentElement);
    const COLORS = Object.fromEntries(PATTERNS.map((p) => [p, css.getPropertyValue(`--${p}`).trim()]));
    const DANGER = css.getPropertyValue('--danger').trim();

    // Calls draw(x) for the marks of a time-ordered list inside the window, at most once per
    // pixel column: a flood of messages costs no more to draw than the canvas is wide.
    function forEachVisible(times, t0, x, draw) {
        let lo = 0;
        let hi = times.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (times[mid] < t0)
                lo = mid + 1;
            else
                hi = mid;
        }
        let lastPx = -1;
        for (let i = lo; i < times.length; ++i) {
            const px = x(times[i]);
            if (Math.round(px) === lastPx)
                continue;
            lastPx = Math.round(px);
            draw(px);
        }
    }

    // Computed styles force a style recalculation after DOM changes: read them once a second,
    // not every frame (they change only with the colour scheme).
    let theme = null;
    let themeAt = -Infinity;
    function themeColors() {
        if (!theme || performance.now() - themeAt > 1000) {
            const body = getComputedStyle(document.body);
            theme = { ink: body.color, muted: getComputedStyle($('.tagline')).color, font: body.fontFamily };
            themeAt = performance.now();
        }
        return theme;
    }

    function drawTimeline() {
        const dpr = window.devicePixelRatio || 1;
        const width = canvas.clientWidth;
        const height = canvas.clientHeight;
        if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
            canvas.width = Math.round(width * dpr);
            canvas.height = Math.round(height * dpr);
        }
        const g = canvas.getContext('2d');
        g.setTransform(dpr, 0, 0, dpr, 0, 0);
        g.clearRect(0, 0, width, height);

        const { ink, muted, font } = themeColors();
        const gutter = 96;
        const right = 14;
        const top = 6;
        const axis = 22;
        const rowH = (height - top - axis) / PATTERNS.length;
        const plotW = Math.max(10, width - gutter - right);
        const windowMs = Number(windowSelect.value) * 1000;
        const now = performance.now();
        const t0 = now - windowMs;
        const x = (t) => gutter + ((t - t0) / windowMs) * plotW;

        // Grid and axis labels every 5 s (10 s for long windows).
        const step = windowMs > 60000 ? 10000 : 5000;
        g.font = `11px ${font}`;
        g.textAlign = 'center';
        g.textBaseline = 'top';
        for (let back = 0; back <= windowMs; back += step) {
            const gx = x(now - back);
            g.fillStyle = muted;
            g.globalAlpha = 0.18;
            g.fillRect(Math.round(gx), top, 1, rowH * PATTERNS.length);
            g.globalAlpha = 1;
            g.fillText(back === 0 ? 'now' : `−${back / 1000} s`, gx, top + rowH * PATTERNS.length + 5);
        }

        // Publish instants cross every row: the horizontal distance to a dot is the latency.
        g.fillStyle = ink;
        g.globalAlpha = 0.35;
        const drawn = new Set();
        for (const t of timeline.published.values()) {
            const px = Math.round(x(t));
            if (t < t0 || drawn.has(px))
                continue;
            drawn.add(px);
            g.fillRect(px, top, 1, rowH * PATTERNS.length);
        }
        g.globalAlpha = 1;

        PATTERNS.forEach((p, row) => {
            const cy = top + rowH * row + rowH / 2;
            const color = COLORS[p];
            g.fillStyle = muted;
            g.globalAlpha = 0.08;
            if (row % 2 === 0)
                g.fillRect(gutter, top + rowH * row, plotW, rowH);
            g.globalAlpha = 1;
            g.fillStyle = color;
            g.font = `600 12px ${font}`;
            g.textAlign = 'left';
            g.textBaseline = 'middle';
            g.fillText(NAMES[p], 10, cy);

            g.save();
            g.beginPath();
            g.rect(gutter, top, plotW, rowH * PATTERNS.length);
            g.clip();
            // Request / stream spans.
            g.globalAlpha = 0.28;
            for (const s of timeline.spans[p]) {
                const end = s.end === null ? now : s.end;
                if (end < t0)
                    continue;
                const x1 = x(s.start);
                const w = Math.max(2, x(end) - x1);
                g.fillRect(x1, cy - 5, w, 10);
            }
            g.globalAlpha = 1;
            // Empty answers: hollow rings.
            g.strokeStyle = color;
            g.lineWidth = 1.3;
            forEachVisible(timeline.empties[p], t0, x, (ex) => {
                g.beginPath();
                g.arc(ex, cy, 3.2, 0, Math.PI * 2);
                g.stroke();
            });
            // Failed requests and dropped streams: small crosses.
            g.strokeStyle = DANGER;
            g.lineWidth = 1.6;
            g.beginPath();
            forEachVisible(timeline.errors[p], t0, x, (ex) => {
                g.moveTo(ex - 3.5, cy - 3.5);
                g.lineTo(ex + 3.5, cy + 3.5);
                g.moveTo(ex + 3.5, cy - 3.5);
                g.lineTo(ex - 3.5, cy + 3.5);
            });
            g.stroke();
            // Deliveries: filled dots.
            g.beginPath();
            forEachVisible(timeline.dots[p], t0, x, (dx) => {
                g.moveTo(dx + 4.2, cy);
                g.arc(dx, cy, 4.2, 0, Math.PI * 2);
            });
            g.fill();
            g.restore();
        });
    }

    // About 30 redraws a second: the 30 s window scrolls one pixel per ~25 ms, so more frames
    // would cost CPU without looking smoother.
    let lastDraw = -Infinity;
    function animate(now) {
        if (now - lastDraw >= 30) {
            lastDraw = now;
            drawTimeline();
        }
        requestAnimationFrame(animate);
    }

    // ---- publishing ---------------------------------------------------------------------------
    const publishStatus = $('#publish-status');

    function showPublishStatus(text, kind) {
        publishStatus.textContent = text;
        publishStatus.className = `publish-status ${kind || ''}`;
    }

    // Always JSON: a plain-text body starting with "{" would otherwise be parsed as JSON.
    async function publish(text) {
        const response = await fetch('api/messages', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ text }),
            cache: 'no-store',
        });
        if (response.status !== 201)
            throw await readError(response);
        const message = await response.json();
        if (typeof message.id === 'number' && typeof message.publishedAt === 'number')
            timeline.published.set(message.id, clock.toLocalMs(message.publishedAt));
        return message;
    }

    function describePublished(message) {
        const shown = message.text.length > 60 ? `${message.text.slice(0, 60)}…` : message.text;
        return `Published #${message.id} “${shown}” at ${formatClock(message.publishedAt / 1000)} (server clock)`;
    }

    function setupPublishing() {
        const form = $('#publish-form');
        const input = $('#publish-text');
        form.addEventListener('submit', async (event) => {
            event.preventDefault();
            const text = input.value;
            if (text.trim() === '') {
                showPublishStatus('Type something first: the server refuses empty messages.', 'error');
                return;
            }
            try {
                const message = await publish(text);
                input.value = '';
                showPublishStatus(describePublished(message), 'ok');
            } catch (e) {
                showPublishStatus(`Not published: ${e.message}`, 'error');
            }
        });
        let burst = 0;
        $('#burst-button').addEventListener('click', async () => {
            ++burst;
            try {
                let last = null;
                for (let i = 1; i <= 10; ++i)
                    last = await publish(`Burst ${burst} · ${i}/10`);
                showPublishStatus(`Published 10 messages, the last one #${last.id}`, 'ok');
            } catch (e) {
                showPublishStatus(`Burst stopped: ${e.message}`, 'error');
            }
        });
        let autoTimer = null;
        let tick = 0;
        $('#auto-publish').addEventListener('change', (event) => {
            clearInterval(autoTimer);
            autoTimer = null;
            if (!event.target.checked)
                return;
            autoTimer = setInterval(async () => {
                try {
                    const message = await publish(`Tick ${++tick} from the browser`);
                    showPublishStatus(describePublished(message), 'ok');
                } catch (e) {
                    showPublishStatus(`Not published: ${e.message}`, 'error');
                }
            }, 1000);
        });
    }

    // ---- routes -------------------------------------------------------------------------------
    function routeTable() {
        const o = location.origin;
        return [
            ['POST', '/api/messages', 'Publish: the body is the text; answers 201 with the stored message.',
             `curl -d 'Hello from curl' ${o}/api/messages`],
            ['POST', '/api/messages', 'Publish as JSON.',
             `curl -H 'Content-Type: application/json' -d '{"text": "Hello as JSON"}' ${o}/api/messages`],
            ['GET', '/api/messages?since=N', 'Short poll: answers at once with the messages after id N (since=0: the whole history).',
             `curl ${shellQuote(`${o}/api/messages?since=0`)}`],
            ['GET', '/api/messages/wait?since=N&timeout=S',
             'Long poll: held until a message after N exists; 204 after S seconds ' +
             `(${Wire.longPollMinTimeoutS} to ${Wire.longPollMaxTimeoutS}, default ${Wire.longPollDefaultTimeoutS}).`,
             `curl -i ${shellQuote(`${o}/api/messages/wait?timeout=${Wire.longPollDefaultTimeoutS}`)}`],
            ['GET', '/api/events',
             'Server-Sent Events: one open stream, one event per message, a heartbeat comment when idle ' +
             `(every ${seconds(Wire.heartbeatDefaultMs)} unless the server runs with --heartbeat); resumes from Last-Event-ID.`,
             `curl -N ${o}/api/events`],
            ['GET', '/api/events', 'Resume a stream after a given id (replays what came later; here: this page\'s last).',
             resumeCommand()],
            ['GET', '/api/stats', 'Counters per pattern and the connected clients.',
             `curl ${o}/api/stats`],
            ['GET', '/updatemessage?message=X', 'Original demo: publish by query string.',
             `curl ${shellQuote(`${o}/updatemessage?message=Hello`)}`],
            ['GET', '/getmessage', `Original demo: plain-text long poll (${Wire.seedWaitDefaultS} s, then “No new messages”).`,
             `curl ${o}/getmessage`],
            ['GET', '/events', 'Original demo: SSE with the bare text in data lines.',
             `curl -N ${o}/events`],
            ['GET', `${Wire.webSocketPath}?since=N`, 'WebSocket: one text frame per message (the same JSON as SSE); resume with since. The command is PushLab’s own client.',
             `pushlab-cli watch --pattern ws ${o}`],
            ['POST', '/api/streams/close', 'Close every open stream (clients reconnect and resume).',
             `curl -X POST ${o}/api/streams/close`],
            ['GET', '/', 'This page.', `curl ${o}/`],
        ];
    }

    function resumeCommand() {
        return `curl -N -H 'Last-Event-ID: ${lanes.sse.lastId ?? 0}' ${location.origin}/api/events`;
    }
    let resumeCode = null;

    async function copyText(text) {
        if (navigator.clipboard && window.isSecureContext) {
            await navigator.clipboard.writeText(text);
            return;
        }
        // Plain http from another machine is not a secure context: fall back to a hidden selection.
        const area = el('textarea');
        area.value = text;
        area.style.position = 'fixed';
        area.style.opacity = '0';
        document.body.append(area);
        area.select();
        const ok = document.execCommand('copy');
        area.remove();
        if (!ok)
            throw new Error('copy refused');
    }

    function renderRoutes() {
        const body = $('#routes-body');
        body.replaceChildren();
        for (const [method, path, what, command] of routeTable()) {
            const row = el('tr');
            const route = el('td', 'route');
            const head = el('div', 'path');
            head.append(el('span', `method ${method.toLowerCase()}`, method), document.createTextNode(path));
            route.append(head, el('div', 'desc', what));
            const cmdCell = el('td');
            const wrap = el('div', 'cmd');
            const code = el('code', '', command);
            if (what.includes('Resume'))
                resumeCode = code;
            const button = el('button', '', 'Copy');
            button.type = 'button';
            button.addEventListener('click', async () => {
                try {
                    await copyText(code.textContent);
                    button.textContent = 'Copied';
                    button.classList.add('copied');
                } catch (_) {
                    button.textContent = 'Select';
                    getSelection().selectAllChildren(code);
                }
                setTimeout(() => { button.textContent = 'Copy'; button.classList.remove('copied'); }, 1500);
            });
            wrap.append(code, button);
            cmdCell.append(wrap);
            row.append(route, cmdCell);
            body.append(row);
        }
    }

    // ---- server stats and connected clients ---------------------------------------------------
    function renderStats(stats) {
        const server = $('#server');
        server.dataset.state = 'up';
        const patterns = stats.patterns || {};
        const open = (p) => (patterns[p] && typeof patterns[p].open === 'number' ? patterns[p].open : 0);
        $('#server-summary').textContent =
            `${stats.connections ?? '?'} connection${stats.connections === 1 ? '' : 's'} · ` +
            `${stats.messagesPublished ?? '?'} published` +
            (typeof stats.startedAt === 'number' ? ` · up since ${formatClock(stats.startedAt / 1000).slice(0, 8)}` : '');

        const counts = $('#pattern-counts');
        counts.replaceChildren();
        const labels = { short: 'keep-alive pollers', long: 'polls waiting', sse: 'open streams', ws: 'open WebSockets' };
        for (const p of PATTERNS) {
            const box = el('div');
            box.style.setProperty('--c', COLORS[p]);
            box.dataset.pattern = p;
            box.append(el('div', 'pill', NAMES[p]), el('div', 'n', open(p)),
                       el('div', 'l', `${labels[p]} · ${patterns[p]?.requests ?? 0} requests`));
            counts.append(box);
        }

        const peers = Array.isArray(stats.peers) ? stats.peers : [];
        const body = $('#peers-body');
        body.replaceChildren();
        const shown = peers.slice(0, 12);
        for (const peer of shown) {
            const row = el('tr');
            const pill = el('span', 'pill', NAMES[peer.pattern] || peer.pattern || '—');
            if (COLORS[peer.pattern])
                pill.style.setProperty('--c', COLORS[peer.pattern]);
            const patternCell = el('td');
            patternCell.append(pill);
            const ua = el('td', 'ua', shortAgent(peer.userAgent));
            ua.title = peer.userAgent || '';
            row.append(el('td', 'mono', `${peer.address}:${peer.port}`), patternCell,
                       el('td', 'mono', typeof peer.since === 'number' ? formatClock(peer.since / 1000).slice(0, 8) : '—'), ua);
            body.append(row);
        }
        const total = typeof stats.peersTotal === 'number' ? stats.peersTotal : peers.length;
        const more = $('#peers-more');
        more.hidden = total <= shown.length;
        more.textContent = `and ${total - shown.length} more (see /api/stats)`;
        $('#clients-updated').textContent = `updated ${formatClock(Date.now()).slice(0, 8)}`;
    }

    async function statsLoop() {
        for (;;) {
            try {
                const response = await fetch('api/stats', { cache: 'no-store' });
                if (!response.ok)
                    throw await readError(response);
                renderStats(await response.json());
            } catch (e) {
                $('#server').dataset.state = 'down';
                $('#server-summary').textContent = `Server not answering (${e.message})`;
            }
            await sleep(STATS_PERIOD_MS);
        }
    }

    // ---- the contract's defaults ----------------------------------------------------------------
    // The long-poll timeout choices are those within the server's range, with its default selected
    // (added if the list lacks it); texts marked data-wire show the contract's figures.
    function applyContract() {
        const select = $('#lane-long [data-role="timeout"]');
        for (const option of [...select.options]) {
            const s = Number(option.value);
            if (s < Wire.longPollMinTimeoutS || s > Wire.longPollMaxTimeoutS)
                option.remove();
        }
        const value = String(Wire.longPollDefaultTimeoutS);
        let chosen = [...select.options].find((o) => o.value === value);
        if (!chosen) {
            chosen = el('option', '', `${value} s`);
            chosen.value = value;
            select.insertBefore(chosen, [...select.options].find((o) => Number(o.value) > Number(value)) ?? null);
        }
        chosen.defaultSelected = true;
        select.value = value;
        select.title = `The server holds a poll ${Wire.longPollMinTimeoutS} to ${Wire.longPollMaxTimeoutS} s ` +
                       `(default ${value} s)`;
        const texts = { retry: seconds(Wire.retryDefaultMs), heartbeat: seconds(Wire.heartbeatDefaultMs) };
        for (const node of document.querySelectorAll('[data-wire]'))
            node.textContent = texts[node.dataset.wire] ?? '';
    }

    // ---- start --------------------------------------------------------------------------------
    function main() {
        applyContract();
        $('#server-origin').textContent = location.origin;
        updateClockNotice();
        renderRoutes();
        setupPublishing();
        windowSelect.addEventListener('change', drawTimeline);
        // performance.timeOrigin can be off the system clock by milliseconds from the start (a
        // loaded machine): align before the first message, not five seconds later.
        clock.resync();
        for (const p of PATTERNS) {
            lanes[p].render();
            lanes[p].start();
        }
        setInterval(() => { clock.resync(); timeline.prune(); }, 5000);
        // The resume command shows the id this page's stream last saw.
        setInterval(() => { if (resumeCode) resumeCode.textContent = resumeCommand(); }, 3000);
        statsLoop();
        requestAnimationFrame(animate);
        // For the end-to-end test and curious users: read-only figures per lane.
        window.pushlab = Object.freeze({
            lanes: Object.fromEntries(PATTERNS.map((p) => [p, Object.freeze({
                messages: () => lanes[p].messages,
                requests: () => lanes[p].requests,
                lastId: () => lanes[p].lastId,
            })])),
        });
    }

    main();
})();
