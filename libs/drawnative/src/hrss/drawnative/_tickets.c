/* The default profile's tickets t(e) = SHA-256(K ‖ UTF-8(uscc)) of a whole stratum, and its `wanted` smallest
 * `ticket ‖ uscc` (docs/draw-spec.md §6.2, §7), in native code for the draw service.
 *
 * This module only computes faster what hrss.drawkit.sampling computes with hashlib: the result is the same
 * bytes (checked by libs/drawnative/tests against hashlib and drawkit). Verifiers need none of it.
 *
 * SHA-256 is FIPS 180-4, with the x86 SHA extensions when the processor has them and portable C otherwise.
 * The GIL is released while hashing and selecting, so threads can draw strata side by side. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

typedef void (*compress_fn)(uint32_t state[8], const uint8_t *blocks, size_t count);

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress_portable(uint32_t state[8], const uint8_t *blocks, size_t count) {
    for (; count; count--, blocks += 64) {
        uint32_t w[64];
        for (int t = 0; t < 16; t++)
            w[t] = (uint32_t)blocks[4 * t] << 24 | (uint32_t)blocks[4 * t + 1] << 16 |
                   (uint32_t)blocks[4 * t + 2] << 8 | (uint32_t)blocks[4 * t + 3];
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = ROTR(w[t - 15], 7) ^ ROTR(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = ROTR(w[t - 2], 17) ^ ROTR(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K256[t] + w[t];
            uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

/* Four rounds at a time with SHA256RNDS2; the message schedule with SHA256MSG1/MSG2 (Intel's SHA extensions). */
__attribute__((target("sha,sse4.1,ssse3"))) static void compress_shani(uint32_t state[8], const uint8_t *blocks,
                                                                       size_t count) {
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&state[0]);  /* words a b c d in lanes 0 … 3 */
    __m128i state1 = _mm_loadu_si128((const __m128i *)&state[4]); /* e f g h */
    tmp = _mm_shuffle_epi32(tmp, 0xB1);
    state1 = _mm_shuffle_epi32(state1, 0x1B);
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8); /* ABEF */
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);       /* CDGH */
    for (; count; count--, blocks += 64) {
        __m128i save0 = state0, save1 = state1, w[16];
        for (int i = 0; i < 4; i++)
            w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16 * i)), swap);
        for (int i = 4; i < 16; i++) {
            __m128i x = _mm_sha256msg1_epu32(w[i - 4], w[i - 3]);
            x = _mm_add_epi32(x, _mm_alignr_epi8(w[i - 1], w[i - 2], 4));
            w[i] = _mm_sha256msg2_epu32(x, w[i - 1]);
        }
        for (int i = 0; i < 16; i++) {
            __m128i m = _mm_add_epi32(w[i], _mm_loadu_si128((const __m128i *)&K256[4 * i]));
            state1 = _mm_sha256rnds2_epu32(state1, state0, m);
            state0 = _mm_sha256rnds2_epu32(state0, state1, _mm_shuffle_epi32(m, 0x0E));
        }
        state0 = _mm_add_epi32(state0, save0);
        state1 = _mm_add_epi32(state1, save1);
    }
    tmp = _mm_shuffle_epi32(state0, 0x1B);       /* FEBA */
    state1 = _mm_shuffle_epi32(state1, 0xB1);    /* DCHG */
    state0 = _mm_blend_epi16(tmp, state1, 0xF0); /* DCBA */
    state1 = _mm_alignr_epi8(state1, tmp, 8);    /* HGFE */
    _mm_storeu_si128((__m128i *)&state[0], state0);
    _mm_storeu_si128((__m128i *)&state[4], state1);
}

/* SHA-256 of two single-block messages at once (each block already padded), from the initial state: the two
 * lanes' instructions interleave, hiding SHA256RNDS2's latency. */
__attribute__((target("sha,sse4.1,ssse3"))) static void pair_shani(const uint8_t *block_a, const uint8_t *block_b,
                                                                   uint8_t out_a[32], uint8_t out_b[32]) {
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&H0[0]), 0xB1);
    __m128i cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&H0[4]), 0x1B);
    const __m128i init0 = _mm_alignr_epi8(tmp, cdgh, 8), init1 = _mm_blend_epi16(cdgh, tmp, 0xF0);
    __m128i a0 = init0, a1 = init1, b0 = init0, b1 = init1, wa[16], wb[16];
    for (int i = 0; i < 4; i++) {
        wa[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block_a + 16 * i)), swap);
        wb[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block_b + 16 * i)), swap);
    }
    for (int i = 4; i < 16; i++) {
        __m128i x = _mm_add_epi32(_mm_sha256msg1_epu32(wa[i - 4], wa[i - 3]), _mm_alignr_epi8(wa[i - 1], wa[i - 2], 4));
        __m128i y = _mm_add_epi32(_mm_sha256msg1_epu32(wb[i - 4], wb[i - 3]), _mm_alignr_epi8(wb[i - 1], wb[i - 2], 4));
        wa[i] = _mm_sha256msg2_epu32(x, wa[i - 1]);
        wb[i] = _mm_sha256msg2_epu32(y, wb[i - 1]);
    }
    for (int i = 0; i < 16; i++) {
        __m128i k = _mm_loadu_si128((const __m128i *)&K256[4 * i]);
        __m128i ma = _mm_add_epi32(wa[i], k), mb = _mm_add_epi32(wb[i], k);
        a1 = _mm_sha256rnds2_epu32(a1, a0, ma);
        b1 = _mm_sha256rnds2_epu32(b1, b0, mb);
        a0 = _mm_sha256rnds2_epu32(a0, a1, _mm_shuffle_epi32(ma, 0x0E));
        b0 = _mm_sha256rnds2_epu32(b0, b1, _mm_shuffle_epi32(mb, 0x0E));
    }
    __m128i lanes[4] = {_mm_add_epi32(a0, init0), _mm_add_epi32(a1, init1), _mm_add_epi32(b0, init0),
                        _mm_add_epi32(b1, init1)};
    uint8_t *outs[2] = {out_a, out_b};
    for (int j = 0; j < 2; j++) {
        __m128i feba = _mm_shuffle_epi32(lanes[2 * j], 0x1B), dchg = _mm_shuffle_epi32(lanes[2 * j + 1], 0xB1);
        __m128i dcba = _mm_blend_epi16(feba, dchg, 0xF0), hgfe = _mm_alignr_epi8(dchg, feba, 8);
        /* the state words a … h, big-endian: the digest */
        _mm_storeu_si128((__m128i *)outs[j], _mm_shuffle_epi8(dcba, swap));
        _mm_storeu_si128((__m128i *)(outs[j] + 16), _mm_shuffle_epi8(hgfe, swap));
    }
}

static int has_shani(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1)) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & bit_SHA) != 0;
}
#else
static int has_shani(void) { return 0; }
#endif

static compress_fn compress = compress_portable;
static const char *backend = "portable";

/* Pad the last `filled` bytes of a message of `total` bytes in `block` (0x80, zeros, the bit length; FIPS
 * 180-4 §5.1.1); the number of 64-byte blocks it takes, 1 or 2. */
static size_t pad(uint8_t block[128], size_t filled, size_t total) {
    block[filled++] = 0x80;
    size_t end = filled + 8 <= 64 ? 64 : 128;
    memset(block + filled, 0, end - 8 - filled);
    uint64_t bits = (uint64_t)total * 8;
    for (int i = 0; i < 8; i++) block[end - 1 - i] = (uint8_t)(bits >> (8 * i));
    return end / 64;
}

/* SHA-256(prefix ‖ data) into out (32 bytes); prefix is at most 64 bytes. */
static void sha256_cat(const uint8_t *prefix, size_t plen, const uint8_t *data, size_t dlen, uint8_t out[32]) {
    uint32_t state[8];
    memcpy(state, H0, sizeof state);
    uint8_t block[128];
    size_t total = plen + dlen, filled = plen;
    memcpy(block, prefix, plen);
    if (plen + dlen >= 64) { /* long usccs: whole blocks first */
        size_t head = 64 - plen;
        memcpy(block + plen, data, head);
        compress(state, block, 1);
        data += head;
        dlen -= head;
        size_t whole = dlen / 64;
        if (whole) compress(state, data, whole);
        data += 64 * whole;
        dlen -= 64 * whole;
        filled = 0;
    }
    memcpy(block + filled, data, dlen);
    compress(state, block, pad(block, filled + dlen, total));
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(state[i] >> 24);
        out[4 * i + 1] = (uint8_t)(state[i] >> 16);
        out[4 * i + 2] = (uint8_t)(state[i] >> 8);
        out[4 * i + 3] = (uint8_t)state[i];
    }
}

#define PREFETCH 40 /* strings ahead */

/* prefix ‖ data padded into one SHA-256 block, if it fits (at most 55 bytes) */
static int one_block(const uint8_t *prefix, size_t plen, const uint8_t *data, size_t dlen, uint8_t block[128]) {
    size_t total = plen + dlen;
    if (total > 55) return 0;
    memcpy(block, prefix, plen);
    memcpy(block + plen, data, dlen);
    pad(block, total, total);
    return 1;
}

typedef struct {
    const char *uscc; /* in the call's own copy of the usccs (set once they are all copied) */
    Py_ssize_t size;
    size_t offset;
    uint8_t ticket[32];
} entry_t;

/* The tickets of entries[0 … count − 1]: two single-block messages at a time with the SHA extensions. */
static void tickets_of(const uint8_t *key, size_t klen, entry_t *entries, Py_ssize_t count) {
    Py_ssize_t i = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    if (compress == compress_shani) {
        uint8_t first[128], second[128];
        while (i + 1 < count) {
            if (one_block(key, klen, (const uint8_t *)entries[i].uscc, (size_t)entries[i].size, first) &&
                one_block(key, klen, (const uint8_t *)entries[i + 1].uscc, (size_t)entries[i + 1].size, second)) {
                pair_shani(first, second, entries[i].ticket, entries[i + 1].ticket);
            } else {
                sha256_cat(key, klen, (const uint8_t *)entries[i].uscc, (size_t)entries[i].size, entries[i].ticket);
                sha256_cat(key, klen, (const uint8_t *)entries[i + 1].uscc, (size_t)entries[i + 1].size,
                           entries[i + 1].ticket);
            }
            i += 2;
        }
    }
#endif
    for (; i < count; i++)
        sha256_cat(key, klen, (const uint8_t *)entries[i].uscc, (size_t)entries[i].size, entries[i].ticket);
}

/* `ticket ‖ uscc` bytes order: every ticket is 32 bytes, so tickets first, then the usccs as bytes. */
static int entry_order(const void *pa, const void *pb) {
    const entry_t *a = *(const entry_t *const *)pa, *b = *(const entry_t *const *)pb;
    int c = memcmp(a->ticket, b->ticket, 32);
    if (c) return c;
    Py_ssize_t n = a->size < b->size ? a->size : b->size;
    c = memcmp(a->uscc, b->uscc, (size_t)n);
    if (c) return c;
    return (a->size > b->size) - (a->size < b->size);
}

static uint64_t prefix64(const uint8_t *t) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | t[i];
    return v;
}

/* The `wanted` smallest of entries[0 … count − 1] into chosen, in order; returns how many. Only those with a
 * ticket prefix below a bound a little above where the wanted-th smallest uniform ticket falls are sorted; if fewer
 * than `wanted` fall below it, all are. Either way exact (as hrss.drawkit.sampling._smallest). */
static Py_ssize_t select_smallest(entry_t *entries, Py_ssize_t count, Py_ssize_t wanted, entry_t **chosen) {
    Py_ssize_t kept = count;
    if (wanted < count) {
        double margin = (double)wanted + 4.0 * __builtin_sqrt((double)wanted) + 8.0;
        if (margin < (double)count) {
            /* bound = floor(margin · 2^64 / count), kept in (0, 2^64): any bound keeps the result exact */
            long double scaled = (long double)margin / (long double)count * 18446744073709551616.0L;
            uint64_t bound = scaled >= 18446744073709551615.0L ? UINT64_MAX : (uint64_t)scaled;
            Py_ssize_t below = 0;
            for (Py_ssize_t i = 0; i < count; i++)
                if (prefix64(entries[i].ticket) < bound) chosen[below++] = &entries[i];
            if (below >= wanted) kept = below;
        }
    }
    if (kept == count)
        for (Py_ssize_t i = 0; i < count; i++) chosen[i] = &entries[i];
    qsort(chosen, (size_t)kept, sizeof *chosen, entry_order);
    return kept < wanted ? kept : wanted;
}

PyDoc_STRVAR(smallest_doc,
             "smallest(key, usccs, wanted) -> list[bytes]\n\n"
             "The `wanted` smallest SHA-256(key ‖ UTF-8(uscc)) ‖ UTF-8(uscc) of a list of str, in bytes order.");

static PyObject *smallest(PyObject *self, PyObject *args) {
    Py_buffer key;
    PyObject *usccs;
    Py_ssize_t wanted;
    if (!PyArg_ParseTuple(args, "y*O!n", &key, &PyList_Type, &usccs, &wanted)) return NULL;
    if (key.len > 64 || wanted < 0) {
        PyErr_SetString(PyExc_ValueError, key.len > 64 ? "key: at most 64 bytes" : "wanted: must not be negative");
        PyBuffer_Release(&key);
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(usccs), got = 0;
    size_t room = (size_t)(count ? count : 1), used = 0, capacity = 24 * room;
    entry_t *entries = PyMem_RawMalloc(sizeof *entries * room);
    entry_t **chosen = PyMem_RawMalloc(sizeof *chosen * room);
    char *text = PyMem_RawMalloc(capacity); /* the usccs' UTF-8, copied: nothing Python owns is read without the GIL */
    PyObject *result = NULL;
    if (!entries || !chosen || !text) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        /* A stratum's strings lie anywhere in memory (a frame of millions is grouped, not allocated, by stratum):
         * fetching a few ahead overlaps the cache misses, which otherwise cost more than the hashing. */
        if (i + PREFETCH < count) {
            const char *ahead = (const char *)PyList_GET_ITEM(usccs, i + PREFETCH);
            __builtin_prefetch(ahead);
            __builtin_prefetch(ahead + 63);
        }
        PyObject *item = PyList_GET_ITEM(usccs, i);
        if (!PyUnicode_Check(item)) {
            PyErr_Format(PyExc_TypeError, "usccs[%zd]: a str is required", i);
            goto done;
        }
        Py_ssize_t size;
        const char *utf8 = PyUnicode_AsUTF8AndSize(item, &size);
        if (!utf8) goto done;
        if (used + (size_t)size > capacity) {
            while (used + (size_t)size > capacity) capacity *= 2;
            char *grown = PyMem_RawRealloc(text, capacity);
            if (!grown) {
                PyErr_NoMemory();
                goto done;
            }
            text = grown;
        }
        memcpy(text + used, utf8, (size_t)size);
        entries[i].offset = used;
        entries[i].size = size;
        used += (size_t)size;
    }
    for (Py_ssize_t i = 0; i < count; i++) entries[i].uscc = text + entries[i].offset;
    const uint8_t *k = key.buf;
    size_t klen = (size_t)key.len;
    Py_BEGIN_ALLOW_THREADS;
    tickets_of(k, klen, entries, count);
    got = select_smallest(entries, count, wanted, chosen);
    Py_END_ALLOW_THREADS;
    result = PyList_New(got);
    for (Py_ssize_t i = 0; result && i < got; i++) {
        PyObject *one = PyBytes_FromStringAndSize(NULL, 32 + chosen[i]->size);
        if (!one) {
            Py_CLEAR(result);
            break;
        }
        memcpy(PyBytes_AS_STRING(one), chosen[i]->ticket, 32);
        memcpy(PyBytes_AS_STRING(one) + 32, chosen[i]->uscc, (size_t)chosen[i]->size);
        PyList_SET_ITEM(result, i, one);
    }
done:
    PyMem_RawFree(text);
    PyMem_RawFree(entries);
    PyMem_RawFree(chosen);
    PyBuffer_Release(&key);
    return result;
}

typedef struct {
    uint64_t head; /* the first 8 bytes, big-endian, zero-padded: decides almost every comparison of tickets */
    const char *data;
    Py_ssize_t size;
    Py_ssize_t index;
} keyed_t;

/* bytes order, then position: a stable sort. Unequal heads order as their bytes do; equal heads are compared
 * in full (a shorter key padded with zeros can share its head with a longer one). */
static int keyed_order(const void *pa, const void *pb) {
    const keyed_t *a = pa, *b = pb;
    if (a->head != b->head) return a->head < b->head ? -1 : 1;
    Py_ssize_t n = a->size < b->size ? a->size : b->size;
    int c = memcmp(a->data, b->data, (size_t)n);
    if (c) return c;
    if (a->size != b->size) return (a->size > b->size) - (a->size < b->size);
    return (a->index > b->index) - (a->index < b->index);
}

PyDoc_STRVAR(order_doc,
             "order(keys) -> list[int]\n\n"
             "sorted(range(len(keys)), key=keys.__getitem__) of a list of bytes: the positions in bytes order, stable.");

static PyObject *order(PyObject *self, PyObject *arg) {
    if (!PyList_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "keys: a list of bytes is required");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(arg);
    keyed_t *keys = PyMem_RawMalloc(sizeof *keys * (size_t)(count ? count : 1));
    if (!keys) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = PyList_GET_ITEM(arg, i);
        if (!PyBytes_Check(item)) {
            PyMem_RawFree(keys);
            return PyErr_Format(PyExc_TypeError, "keys[%zd]: bytes are required", i);
        }
        keys[i].data = PyBytes_AS_STRING(item);
        keys[i].size = PyBytes_GET_SIZE(item);
        keys[i].index = i;
        uint64_t head = 0;
        for (Py_ssize_t j = 0; j < 8; j++)
            head = head << 8 | (j < keys[i].size ? (uint8_t)keys[i].data[j] : 0);
        keys[i].head = head;
    }
    qsort(keys, (size_t)count, sizeof *keys, keyed_order); /* with the GIL: the list is read as it sorts */
    PyObject *result = PyList_New(count);
    for (Py_ssize_t i = 0; result && i < count; i++) {
        PyObject *index = PyLong_FromSsize_t(keys[i].index);
        if (!index) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, i, index);
    }
    PyMem_RawFree(keys);
    return result;
}

PyDoc_STRVAR(split_doc,
             "split(keys, size) -> (list[str], list[str])\n\n"
             "([k[:size].hex() for k in keys], [k[size:].decode('utf-8') for k in keys]) of a list of bytes.");

static PyObject *split(PyObject *self, PyObject *args) {
    PyObject *keys;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "O!n", &PyList_Type, &keys, &size)) return NULL;
    if (size < 0 || size > 64) {
        PyErr_SetString(PyExc_ValueError, "size: 0 to 64 bytes");
        return NULL;
    }
    static const char digits[] = "0123456789abcdef";
    Py_ssize_t count = PyList_GET_SIZE(keys);
    PyObject *hexes = PyList_New(count), *texts = PyList_New(count);
    if (!hexes || !texts) goto fail;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = PyList_GET_ITEM(keys, i);
        if (!PyBytes_Check(item) || PyBytes_GET_SIZE(item) < size) {
            PyErr_Format(PyExc_TypeError, "keys[%zd]: bytes of at least %zd are required", i, size);
            goto fail;
        }
        const unsigned char *data = (const unsigned char *)PyBytes_AS_STRING(item);
        PyObject *hex = PyUnicode_New(2 * size, 127);
        if (!hex) goto fail;
        Py_UCS1 *out = PyUnicode_1BYTE_DATA(hex);
        for (Py_ssize_t j = 0; j < size; j++) {
            out[2 * j] = (Py_UCS1)digits[data[j] >> 4];
            out[2 * j + 1] = (Py_UCS1)digits[data[j] & 15];
        }
        PyList_SET_ITEM(hexes, i, hex);
        PyObject *text = PyUnicode_DecodeUTF8((const char *)data + size, PyBytes_GET_SIZE(item) - size, "strict");
        if (!text) goto fail;
        PyList_SET_ITEM(texts, i, text);
    }
    return Py_BuildValue("(NN)", hexes, texts);
fail:
    Py_XDECREF(hexes);
    Py_XDECREF(texts);
    return NULL;
}

PyDoc_STRVAR(sha256_doc, "sha256(prefix, data) -> bytes\n\nSHA-256(prefix ‖ data), prefix at most 64 bytes.");

static PyObject *sha256(PyObject *self, PyObject *args) {
    Py_buffer prefix, data;
    if (!PyArg_ParseTuple(args, "y*y*", &prefix, &data)) return NULL;
    PyObject *result = NULL;
    if (prefix.len > 64) {
        PyErr_SetString(PyExc_ValueError, "prefix: at most 64 bytes");
    } else {
        uint8_t out[32];
        sha256_cat(prefix.buf, (size_t)prefix.len, data.buf, (size_t)data.len, out);
        result = PyBytes_FromStringAndSize((const char *)out, 32);
    }
    PyBuffer_Release(&prefix);
    PyBuffer_Release(&data);
    return result;
}

PyDoc_STRVAR(use_doc, "use(backend) -> None\n\nCompress with 'shani' (if the processor has it) or 'portable'.");

static PyObject *use(PyObject *self, PyObject *arg) {
    const char *name = PyUnicode_Check(arg) ? PyUnicode_AsUTF8(arg) : NULL;
    if (name && strcmp(name, "portable") == 0) {
        compress = compress_portable;
        backend = "portable";
        Py_RETURN_NONE;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    if (name && strcmp(name, "shani") == 0 && has_shani()) {
        compress = compress_shani;
        backend = "shani";
        Py_RETURN_NONE;
    }
#endif
    PyErr_SetString(PyExc_ValueError, "backend: 'shani' on a processor with the SHA extensions, or 'portable'");
    return NULL;
}

static PyObject *current(PyObject *self, PyObject *unused) { return PyUnicode_FromString(backend); }

static PyMethodDef methods[] = {
    {"smallest", smallest, METH_VARARGS, smallest_doc},
    {"sha256", sha256, METH_VARARGS, sha256_doc},
    {"order", order, METH_O, order_doc},
    {"split", split, METH_VARARGS, split_doc},
    {"use", use, METH_O, use_doc},
    {"backend", current, METH_NOARGS, "backend() -> str\n\nThe compression in use: 'shani' or 'portable'."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_tickets",
                                    "SHA-256 tickets of the default draw profile, in native code.", -1, methods};

PyMODINIT_FUNC PyInit__tickets(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    if (has_shani()) {
        compress = compress_shani;
        backend = "shani";
    }
#endif
    return PyModule_Create(&module);
}
