// The browser page's logic that needs no DOM: latency statistics, id accounting, formatting.
// A classic script (loaded before pushlab.js) that defines globalThis.PushLabCore, so that
// tests/web/unit.mjs can run the very same file in Node.
'use strict';

(function (root) {
    const MAX_LATENCY_SAMPLES = 20000; // per lane; the older half is dropped beyond this

    // Microseconds to a short human figure: "0.42 ms", "4.2 ms", "123 ms", "1.23 s", "12.3 s".
    function formatLatency(us) {
        if (us === null || us === undefined || Number.isNaN(us))
            return '—';
        const ms = us / 1000;
        const abs = Math.abs(ms);
        if (abs < 0.995)
            return `${ms.toFixed(2)} ms`;
        if (abs < 9.95)
            return `${ms.toFixed(1)} ms`;
        if (abs < 999.5)
            return `${Math.round(ms)} ms`;
        return `${(ms / 1000).toFixed(abs < 9995 ? 2 : 1)} s`;
    }

    // Latencies of one lane: count, nearest-rank percentiles, max.
    class LatencySamples {
        constructor(limit = MAX_LATENCY_SAMPLES) {
            this.limit = limit;
            this.values = [];
            this.sorted = null;
            this.max = null;
            this.count = 0;
        }
        add(us) {
            this.values.push(us);
            ++this.count;
            if (this.values.length > this.limit)
                this.values.splice(0, Math.floor(this.values.length / 2));
            this.max = this.max === null ? us : Math.max(this.max, us);
            this.sorted = null;
        }
        // The smallest sample with at least a fraction q of the samples at or below it.
        percentile(q) {
            if (this.values.length === 0)
                return null;
            if (!this.sorted)
                this.sorted = Float64Array.from(this.values).sort();
            const rank = Math.min(this.sorted.length, Math.max(1, Math.ceil(q * this.sorted.length)));
            return this.sorted[rank - 1];
        }
    }

    // Checks the ids one lane receives: ids are contiguous within a server run, so a repeat is a
    // duplicate and a jump the server did not announce as a gap is a loss.
    class IdLedger {
        constructor() {
            this.lastId = null; // highest id accepted, or the "now" the server announced
            this.duplicates = 0;
            this.lost = 0;
            this.gaps = 0;
        }
        // The server's "lastId" (where now is): later ids are checked against it for holes.
        announce(id) {
            if (typeof id === 'number' && (this.lastId === null || id > this.lastId))
                this.lastId = id;
        }
        // 'new', 'duplicate', or 'after-hole' (new, but ids before it never came).
        accept(id) {
            if (this.lastId !== null && id <= this.lastId) {
                ++this.duplicates;
                return 'duplicate';
            }
            const hole = this.lastId !== null && id > this.lastId + 1 ? id - this.lastId - 1 : 0;
            this.lost += hole;
            this.lastId = id;
            return hole ? 'after-hole' : 'new';
        }
        // A gap the server announced: what is described there is gone, and not counted as lost.
        // Returns how many messages are gone, or null when lastSeenId is from another server run.
        gap(info) {
            ++this.gaps;
            const seen = info && info.lastSeenId;
            const first = info && info.firstAvailableId;
            if (typeof first === 'number' && (this.lastId === null || first - 1 > this.lastId))
                this.lastId = first - 1;
            if (typeof seen !== 'number' || typeof first !== 'number')
                return null;
            const missing = first - seen - 1;
            // Ids start at the server's start time in µs: a difference of a million or more is
            // another run, not a million lost messages.
            return missing >= 0 && missing < 1e6 ? missing : null;
        }
    }

    // How far before its publication a message may seem to arrive before the page calls its clock
    // untrustworthy. Two honest clocks on one machine still disagree a little: the page keeps its
    // performance.now() clock within 1.5 ms of Date.now() (pushlab.js, clock.resync), and browsers
    // coarsen performance.now() (100 µs in Chromium without cross-origin isolation). A -0.3 ms
    // latency is that noise; -50 ms is a clock that is wrong.
    const CLOCK_TOLERANCE_US = 2000;
    function clockCannotBeTrusted(latencyUs) {
        return typeof latencyUs === 'number' && latencyUs < -CLOCK_TOLERANCE_US;
    }

    const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;
    function isLoopbackHost(hostname) {
        return LOOPBACK.test(hostname);
    }

    // One argument for a POSIX shell, in single quotes.
    function shellQuote(s) {
        return `'${String(s).replace(/'/g, `'\\''`)}'`;
    }

    // "Chrome 120", "Firefox 121", "curl 8.5.0" out of a User-Agent header.
    function shortAgent(ua) {
        if (!ua)
            return '—';
        const known = [
            [/(Firefox)\/(\d+)/, 'Firefox'],
            [/(Edg)\/(\d+)/, 'Edge'],
            [/(HeadlessChrome)\/(\d+)/, 'HeadlessChrome'],
            [/(Chromium)\/(\d+)/, 'Chromium'],
            [/(Chrome)\/(\d+)/, 'Chrome'],
            [/Version\/(\d+)(?:\.\d+)*.*(Safari)/, 'Safari'],
            [/^(PushLab[\w-]*)\/([\w.]+)/, null],
            [/^(curl)\/([\w.]+)/, null],
            [/^(Wget)\/([\w.]+)/, null],
        ];
        for (const [re, name] of known) {
            const m = ua.match(re);
            if (!m)
                continue;
            if (name === 'Safari')
                return `Safari ${m[1]}`;
            return `${name || m[1]} ${m[2]}`;
        }
        return ua.length > 40 ? `${ua.slice(0, 40)}…` : ua;
    }

    root.PushLabCore = Object.freeze({ formatLatency, LatencySamples, IdLedger, CLOCK_TOLERANCE_US,
                                       clockCannotBeTrusted, isLoopbackHost, shellQuote, shortAgent });
})(globalThis);
