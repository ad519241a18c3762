// Unit tests of the browser page's DOM-free logic (resources/web/pushlab-core.js), run in Node:
//   node --test tests/web/unit.mjs
// The page's own file is loaded into a fresh context, exactly as the browser runs it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const source = resolve(dirname(fileURLToPath(import.meta.url)), '../../resources/web/pushlab-core.js');
const sandbox = {};
vm.runInNewContext(readFileSync(source, 'utf8'), sandbox, { filename: source });
const { formatLatency, LatencySamples, IdLedger, CLOCK_TOLERANCE_US, clockCannotBeTrusted, isLoopbackHost, shellQuote,
        shortAgent } = sandbox.PushLabCore;

test('formatLatency', async (t) => {
    const rows = [
        ['no value', null, '—'],
        ['zero', 0, '0.00 ms'],
        ['sub-millisecond loopback delivery', 420, '0.42 ms'],
        ['just under a millisecond rounds up a unit', 999, '1.0 ms'],
        ['single-digit milliseconds', 4210, '4.2 ms'],
        ['tens of milliseconds', 12345, '12 ms'],
        ['just under a second rounds up a unit', 999600, '1.00 s'],
        ['seconds', 1234000, '1.23 s'],
        ['tens of seconds', 12345000, '12.3 s'],
        ['negative (clock behind the server)', -500, '-0.50 ms'],
        ['a minute behind', -60000000, '-60.0 s'],
    ];
    for (const [name, us, expected] of rows)
        await t.test(name, () => assert.equal(formatLatency(us), expected));
});

test('LatencySamples nearest-rank percentiles', async (t) => {
    const range = (n) => Array.from({ length: n }, (_, i) => i + 1);
    const rows = [
        ['no samples', [], null, null, null],
        ['one sample', [7], 7, 7, 7],
        ['unsorted input', [30, 10, 20], 20, 30, 30],
        ['1..100', range(100), 50, 95, 100],
        ['1..20: p95 is the 19th', range(20), 10, 19, 20],
        ['one outlier does not move p50', [...Array(99).fill(1000), 900000], 1000, 1000, 900000],
        ['negative values sort numerically', [-5, 3, -20, 10], -5, 10, 10],
        ['numeric, not lexicographic, order', [9, 10, 100, 2], 9, 100, 100],
    ];
    for (const [name, values, p50, p95, max] of rows) {
        await t.test(name, () => {
            const s = new LatencySamples();
            values.forEach((v) => s.add(v));
            assert.equal(s.percentile(0.5), p50);
            assert.equal(s.percentile(0.95), p95);
            assert.equal(s.max, max);
            assert.equal(s.count, values.length);
        });
    }
    await t.test('bounded: the oldest half goes, max and count stay', () => {
        const s = new LatencySamples(10);
        for (let i = 1; i <= 11; ++i)
            s.add(i === 1 ? 500 : i);
        assert.ok(s.values.length <= 10);
        assert.equal(s.max, 500);
        assert.equal(s.count, 11);
        assert.equal(s.percentile(1), 11);
    });
    await t.test('a sample added after a percentile invalidates the sorted copy', () => {
        const s = new LatencySamples();
        s.add(10);
        assert.equal(s.percentile(0.5), 10);
        s.add(1);
        s.add(2);
        assert.equal(s.percentile(0.5), 2);
    });
});

test('IdLedger', async (t) => {
    // [name, steps, expected {duplicates, lost, gaps, lastId}, expected verdicts of the accepts]
    // Steps: a number is a delivered id, {announce: n} the server's lastId, {gap: [seen, first]}.
    const rows = [
        ['contiguous ids', [1, 2, 3], { duplicates: 0, lost: 0, gaps: 0, lastId: 3 }, ['new', 'new', 'new']],
        ['the first id sets the baseline', [1000], { duplicates: 0, lost: 0, gaps: 0, lastId: 1000 }, ['new']],
        ['a repeat is a duplicate', [1, 2, 2, 3], { duplicates: 1, lost: 0, gaps: 0, lastId: 3 },
         ['new', 'new', 'duplicate', 'new']],
        ['an older id is a duplicate', [5, 6, 4], { duplicates: 1, lost: 0, gaps: 0, lastId: 6 },
         ['new', 'new', 'duplicate']],
        ['a silent hole is counted as lost', [1, 2, 5], { duplicates: 0, lost: 2, gaps: 0, lastId: 5 },
         ['new', 'new', 'after-hole']],
        ['announced now, then the next id', [{ announce: 10 }, 11], { duplicates: 0, lost: 0, gaps: 0, lastId: 11 },
         ['new']],
        ['announced now, then a hole', [{ announce: 10 }, 12], { duplicates: 0, lost: 1, gaps: 0, lastId: 12 },
         ['after-hole']],
        ['an older announcement does not go back', [20, { announce: 10 }, 21],
         { duplicates: 0, lost: 0, gaps: 0, lastId: 21 }, ['new', 'new']],
        ['an announced gap is not lost', [1, 2, { gap: [2, 9] }, 9, 10], { duplicates: 0, lost: 0, gaps: 1, lastId: 10 },
         ['new', 'new', 'new', 'new']],
        ['a gap on a fresh lane sets the baseline', [{ gap: [0, 50] }, 50, 51],
         { duplicates: 0, lost: 0, gaps: 1, lastId: 51 }, ['new', 'new']],
    ];
    for (const [name, steps, expected, verdicts] of rows) {
        await t.test(name, () => {
            const ledger = new IdLedger();
            const seen = [];
            for (const step of steps) {
                if (typeof step === 'number')
                    seen.push(ledger.accept(step));
                else if ('announce' in step)
                    ledger.announce(step.announce);
                else
                    ledger.gap({ lastSeenId: step.gap[0], firstAvailableId: step.gap[1] });
            }
            assert.deepEqual(seen, verdicts);
            assert.deepEqual({ duplicates: ledger.duplicates, lost: ledger.lost, gaps: ledger.gaps, lastId: ledger.lastId },
                             expected);
        });
    }
    const gapRows = [
        ['history trimmed: the count of messages gone', [100, 151], 50],
        ['nothing gone between', [100, 101], 0],
        ['another server run (ids are start-time µs)', [1764290000000000, 1764290123000000], null],
        ['malformed', [undefined, 5], null],
    ];
    for (const [name, [seen, first], missing] of gapRows)
        await t.test(`gap: ${name}`, () => {
            assert.equal(new IdLedger().gap({ lastSeenId: seen, firstAvailableId: first }), missing);
        });
});

test('clockCannotBeTrusted', async (t) => {
    const rows = [
        ['no latency', null, false],
        ['a positive latency', 420, false],
        ['zero', 0, false],
        ['-0.3 ms: timer coarsening on an honest clock', -300, false],
        ['-1.5 ms: the page\'s own resync tolerance', -1500, false],
        ['exactly at the tolerance', -CLOCK_TOLERANCE_US, false],
        ['just past the tolerance', -CLOCK_TOLERANCE_US - 1, true],
        ['-50 ms: a clock that is wrong', -50000, true],
        ['a minute behind', -60000000, true],
    ];
    for (const [name, us, expected] of rows)
        await t.test(name, () => assert.equal(clockCannotBeTrusted(us), expected));
});

test('isLoopbackHost', async (t) => {
    const rows = [
        ['localhost', true], ['LOCALHOST', true], ['127.0.0.1', true], ['127.1.2.3', true], ['[::1]', true],
        ['192.168.1.20', false], ['10.0.0.1', false], ['pushlab-remote.test', false], ['127.0.0.1.nip.io', false],
        ['localhost.example.com', false], ['', false],
    ];
    for (const [host, expected] of rows)
        await t.test(host || '(empty)', () => assert.equal(isLoopbackHost(host), expected));
});

test('shellQuote', async (t) => {
    const rows = [
        ['plain', 'http://127.0.0.1:8050/api/messages?since=0', `'http://127.0.0.1:8050/api/messages?since=0'`],
        ['a single quote', `it's`, `'it'\\''s'`],
        ['shell metacharacters stay inert', '$(rm -rf /) & `x`', `'$(rm -rf /) & \`x\`'`],
    ];
    for (const [name, input, expected] of rows)
        await t.test(name, () => assert.equal(shellQuote(input), expected));
});

test('shortAgent', async (t) => {
    const rows = [
        ['Chrome', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
         'Chrome 120'],
        ['headless Chromium', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
         'HeadlessChrome 156'],
        ['Edge, not Chrome', 'Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0.2210',
         'Edge 120'],
        ['Firefox', 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox 121'],
        ['Safari', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
         'Safari 17'],
        ['curl', 'curl/7.88.1', 'curl 7.88.1'],
        ['our own client', 'PushLab/0.1.0', 'PushLab 0.1.0'],
        ['missing', '', '—'],
        ['unknown and long', 'x'.repeat(60), `${'x'.repeat(40)}…`],
    ];
    for (const [name, ua, expected] of rows)
        await t.test(name, () => assert.equal(shortAgent(ua), expected));
});

// The generated contract.js (common/wirecontract.h as the page sees it), when the build says where
// it is (CTest sets PUSHLAB_CONTRACT_JS). Its exact values are pinned by tst_wirecontract; here: it
// runs on its own in a fresh context as the browser runs it, and its figures are consistent.
test('contract.js', { skip: process.env.PUSHLAB_CONTRACT_JS ? false : 'PUSHLAB_CONTRACT_JS is not set' }, async (t) => {
    const file = process.env.PUSHLAB_CONTRACT_JS;
    const context = {};
    vm.runInNewContext(readFileSync(file, 'utf8'), context, { filename: file });
    const wire = context.PushLabWire;
    await t.test('defines a frozen PushLabWire', () => {
        assert.equal(typeof wire, 'object');
        assert.ok(Object.isFrozen(wire) && Object.isFrozen(wire.Key) && Object.isFrozen(wire.GapReason));
    });
    const ranges = [
        ['long-poll timeout', 'longPollMinTimeoutS', 'longPollDefaultTimeoutS', 'longPollMaxTimeoutS'],
        ['heartbeat', 'heartbeatMinMs', 'heartbeatDefaultMs', 'heartbeatMaxMs'],
    ];
    for (const [name, min, def, max] of ranges) {
        await t.test(`${name}: min <= default <= max, whole numbers`, () => {
            for (const key of [min, def, max])
                assert.ok(Number.isInteger(wire[key]) && wire[key] > 0, `${key} = ${wire[key]}`);
            assert.ok(wire[min] <= wire[def] && wire[def] <= wire[max]);
        });
    }
    await t.test('names the page relies on', () => {
        for (const key of ['seedWaitDefaultS', 'retryDefaultMs', 'missedHeartbeatsBeforeDead'])
            assert.ok(Number.isInteger(wire[key]) && wire[key] > 0, key);
        for (const key of ['heartbeatHeader', 'lastIdHeader', 'messageEvent', 'gapEvent'])
            assert.equal(typeof wire[key], 'string', key);
        for (const key of ['id', 'text', 'publishedAt', 'messages', 'lastId', 'gap', 'lastSeenId', 'firstAvailableId'])
            assert.equal(typeof wire.Key[key], 'string', key);
    });
});
