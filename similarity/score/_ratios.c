/* The Indel ratio of one query against rows of a packed string column, in C: the same numbers as
 * rapidfuzz.process.cdist([query], column.take(rows), scorer=fuzz.ratio, dtype=np.float32), without a Python object
 * per candidate (similarity.score.names reads a query's thousands of candidates' strings this way).
 *
 * indel_ratios(query, packed, width, rows) -> bytearray of float32, one per row: fuzz.ratio (0..100)
 *
 *   query   bytes of at most 64 (the pattern of one 64-bit word)
 *   packed  C-contiguous buffer of n_rows * width bytes: the strings of a StringColumn (numpy "S<width>"), each
 *           NUL-padded; a string is its bytes up to its last non-NUL one (numpy's own reading of an "S" item)
 *   width   bytes per string
 *   rows    int64 buffer of rows in [0, n_rows)
 *
 * partial_ratios(query, packed, width, rows, score_cutoff) -> bytearray of float32: fuzz.partial_ratio (0..100) with
 *   score_cutoff (0 below it), the same arguments; the row strings and the query of at most 64 bytes.
 *
 * The ratio is rapidfuzz's: lensum = len(query) + len(s), dist = lensum - 2 * LCS, 100 * (1 - dist / lensum) in
 * double (100 for two empty strings), stored as float32. The LCS is the bit-parallel one (Hyyrö 2004), the query
 * as the pattern. The loop runs without the GIL; every buffer is owned by the call.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static inline int popcount64(uint64_t x)
{
#if defined(__GNUC__)
    return __builtin_popcountll(x);
#else
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
#endif
}

#define PREFETCH 16 /* rows ahead whose string is prefetched */

/* The length of a NUL-padded string: up to its last non-NUL byte. For 8-byte multiples, word by word (the last
 * non-zero word's highest non-zero byte is the last in memory on a little-endian machine). */
static inline Py_ssize_t string_length(const unsigned char *s, Py_ssize_t width)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (width % 8 == 0) {
        for (Py_ssize_t k = width / 8; k > 0; k--) {
            uint64_t w;
            memcpy(&w, s + 8 * (k - 1), 8);
            if (w)
                return 8 * (k - 1) + (63 - __builtin_clzll(w)) / 8 + 1;
        }
        return 0;
    }
#endif
    Py_ssize_t len = width;
    while (len > 0 && s[len - 1] == 0)
        len--;
    return len;
}

/* The number of rows, after checking that packed holds whole strings of width bytes and that every row is one of
 * them; -1 with the exception set otherwise. */
static Py_ssize_t checked_rows(const Py_buffer *packed, Py_ssize_t width, const Py_buffer *rows)
{
    if (width <= 0 || packed->len % width != 0) {
        PyErr_SetString(PyExc_ValueError, "packed is not a whole number of strings of width bytes");
        return -1;
    }
    if (rows->len % (Py_ssize_t)sizeof(int64_t) != 0) {
        PyErr_SetString(PyExc_ValueError, "rows is not an int64 buffer");
        return -1;
    }
    Py_ssize_t n_rows = packed->len / width, n = rows->len / (Py_ssize_t)sizeof(int64_t);
    const int64_t *row = (const int64_t *)rows->buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (row[i] < 0 || row[i] >= n_rows) {
            PyErr_SetString(PyExc_IndexError, "a row is outside the packed column");
            return -1;
        }
    }
    return n;
}

static PyObject *indel_ratios(PyObject *self, PyObject *args)
{
    Py_buffer query, packed, rows;
    Py_ssize_t width;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*ny*", &query, &packed, &width, &rows))
        return NULL;
    PyObject *out = NULL;
    if (query.len > 64) {
        PyErr_SetString(PyExc_ValueError, "the query is longer than 64 bytes");
        goto done;
    }
    Py_ssize_t n = checked_rows(&packed, width, &rows);
    if (n < 0)
        goto done;
    const int64_t *row = (const int64_t *)rows.buf;
    out = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(float));
    if (out == NULL)
        goto done;
    float *ratio = (float *)PyByteArray_AS_STRING(out);
    const unsigned char *q = (const unsigned char *)query.buf, *col = (const unsigned char *)packed.buf;
    const int m = (int)query.len;
    Py_BEGIN_ALLOW_THREADS
    uint64_t pm[256];
    memset(pm, 0, sizeof pm);
    for (int j = 0; j < m; j++)
        pm[q[j]] |= 1ULL << j;
    const uint64_t mask = m == 64 ? ~0ULL : (1ULL << m) - 1;
    Py_ssize_t i = 0;
    if (pm[0] == 0) {
        /* Four rows at once, each its own chain of dependent steps (one alone leaves the core idle between them):
         * a NUL byte matches nothing of a query without one, so each row runs to the longest of the four. */
        for (; i + 4 <= n; i += 4) {
            const unsigned char *s[4];
            Py_ssize_t len[4], longest = 0;
            uint64_t v[4] = {~0ULL, ~0ULL, ~0ULL, ~0ULL};
            for (int k = 0; k < 4; k++) {
#if defined(__GNUC__)
                if (i + k + PREFETCH < n)
                    __builtin_prefetch(col + (Py_ssize_t)row[i + k + PREFETCH] * width);
#endif
                s[k] = col + (Py_ssize_t)row[i + k] * width;
                len[k] = string_length(s[k], width);
                if (len[k] > longest)
                    longest = len[k];
            }
            for (Py_ssize_t j = 0; j < longest; j++) {
                for (int k = 0; k < 4; k++) {
                    uint64_t u = v[k] & pm[s[k][j]];
                    v[k] = (v[k] + u) | (v[k] - u);
                }
            }
            for (int k = 0; k < 4; k++) {
                int64_t lcs = popcount64(~v[k] & mask);
                int64_t lensum = (int64_t)m + (int64_t)len[k];
                double sim = 1.0;
                if (lensum != 0)
                    sim = 1.0 - (double)(lensum - 2 * lcs) / (double)lensum;
                ratio[i + k] = (float)(sim * 100.0);
            }
        }
    }
    for (; i < n; i++) {
#if defined(__GNUC__)
        if (i + PREFETCH < n) /* the rows are scattered over the column: ask for a later one's line now */
            __builtin_prefetch(col + (Py_ssize_t)row[i + PREFETCH] * width);
#endif
        const unsigned char *s = col + (Py_ssize_t)row[i] * width;
        Py_ssize_t len = string_length(s, width);
        uint64_t v = ~0ULL;
        for (Py_ssize_t j = 0; j < len; j++) {
            uint64_t u = v & pm[s[j]];
            v = (v + u) | (v - u);
        }
        int64_t lcs = popcount64(~v & mask);
        int64_t lensum = (int64_t)m + (int64_t)len;
        double sim = 1.0;
        if (lensum != 0)
            sim = 1.0 - (double)(lensum - 2 * lcs) / (double)lensum;
        ratio[i] = (float)(sim * 100.0);
    }
    Py_END_ALLOW_THREADS
done:
    PyBuffer_Release(&query);
    PyBuffer_Release(&packed);
    PyBuffer_Release(&rows);
    return out;
}

/* Bit-parallel LCS of the needle (pm: its characters' position masks, mask: its length's bits) with text[0..n). */
static inline int lcs_of(const uint64_t *pm, uint64_t mask, const unsigned char *text, Py_ssize_t n)
{
    uint64_t v = ~0ULL;
    for (Py_ssize_t j = 0; j < n; j++) {
        uint64_t u = v & pm[text[j]];
        v = (v + u) | (v - u);
    }
    return popcount64(~v & mask);
}

/* rapidfuzz's CachedRatio.similarity(window, cutoff) of the needle (length ln) with a window of lw bytes whose LCS
 * with it is lcs: 100 * normalized Indel similarity, 0 below cutoff (compared as rapidfuzz does, normalized). */
static inline double window_ratio(int ln, Py_ssize_t lw, int lcs, double cutoff)
{
    double lensum = (double)ln + (double)lw;
    double sim = lensum ? 1.0 - ((double)ln + (double)lw - 2.0 * lcs) / lensum : 1.0;
    return sim >= cutoff / 100.0 ? sim * 100.0 : 0.0;
}

/* rapidfuzz's partial_ratio_impl: the needle n (ln <= 64, ln <= lh) against the haystack's prefixes shorter than
 * it, its windows of the needle's length and its suffixes, each skipped where rapidfuzz skips it (an end character
 * the needle lacks), the best ratio kept with the cutoff raised to it; 100 ends the search. */
static double partial_impl(const unsigned char *n, int ln, const unsigned char *h, Py_ssize_t lh, double cutoff)
{
    uint64_t pm[256];
    unsigned char in_needle[256];
    memset(pm, 0, sizeof pm);
    memset(in_needle, 0, sizeof in_needle);
    for (int j = 0; j < ln; j++) {
        pm[n[j]] |= 1ULL << j;
        in_needle[n[j]] = 1;
    }
    const uint64_t mask = ln == 64 ? ~0ULL : (1ULL << ln) - 1;
    double best = 0.0;
    for (Py_ssize_t i = 1; i < ln; i++) {
        if (!in_needle[h[i - 1]])
            continue;
        double r = window_ratio(ln, i, lcs_of(pm, mask, h, i), cutoff);
        if (r > best) {
            best = cutoff = r;
            if (best == 100.0)
                return best;
        }
    }
    for (Py_ssize_t i = 0; i < lh - ln; i++) {
        if (!in_needle[h[i + ln - 1]])
            continue;
        double r = window_ratio(ln, ln, lcs_of(pm, mask, h + i, ln), cutoff);
        if (r > best) {
            best = cutoff = r;
            if (best == 100.0)
                return best;
        }
    }
    for (Py_ssize_t i = lh - ln; i < lh; i++) {
        if (!in_needle[h[i]])
            continue;
        double r = window_ratio(ln, lh - i, lcs_of(pm, mask, h + i, lh - i), cutoff);
        if (r > best) {
            best = cutoff = r;
            if (best == 100.0)
                return best;
        }
    }
    return best;
}

/* fuzz.partial_ratio(a, b, score_cutoff) as rapidfuzz's cached scorer of a computes it: the shorter string is the
 * needle (a when as long as b), two empty strings are alike, one empty is not, and two strings of one length are
 * also tried the other way round. */
static double partial_ratio(const unsigned char *a, int la, const unsigned char *b, int lb, double cutoff)
{
    if (cutoff > 100.0)
        return 0.0;
    if (!la || !lb)
        return la == lb ? 100.0 : 0.0;
    if (la > lb)
        return partial_impl(b, lb, a, la, cutoff);
    double best = partial_impl(a, la, b, lb, cutoff);
    if (best != 100.0 && la == lb) {
        double other = partial_impl(b, lb, a, la, best > cutoff ? best : cutoff);
        if (other > best)
            best = other;
    }
    return best;
}

static PyObject *partial_ratios(PyObject *self, PyObject *args)
{
    Py_buffer query, packed, rows;
    Py_ssize_t width;
    double cutoff;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*ny*d", &query, &packed, &width, &rows, &cutoff))
        return NULL;
    PyObject *out = NULL;
    if (query.len > 64 || width > 64) {
        PyErr_SetString(PyExc_ValueError, "the query or the strings are longer than 64 bytes");
        goto done;
    }
    Py_ssize_t n = checked_rows(&packed, width, &rows);
    if (n < 0)
        goto done;
    const int64_t *row = (const int64_t *)rows.buf;
    out = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(float));
    if (out == NULL)
        goto done;
    float *ratio = (float *)PyByteArray_AS_STRING(out);
    const unsigned char *q = (const unsigned char *)query.buf, *col = (const unsigned char *)packed.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        const unsigned char *s = col + (Py_ssize_t)row[i] * width;
        ratio[i] = (float)partial_ratio(q, (int)query.len, s, (int)string_length(s, width), cutoff);
    }
    Py_END_ALLOW_THREADS
done:
    PyBuffer_Release(&query);
    PyBuffer_Release(&packed);
    PyBuffer_Release(&rows);
    return out;
}

static PyMethodDef methods[] = {
    {"indel_ratios", indel_ratios, METH_VARARGS,
     "indel_ratios(query, packed, width, rows) -> bytearray of float32: rapidfuzz's fuzz.ratio of the query with "
     "each row's packed string."},
    {"partial_ratios", partial_ratios, METH_VARARGS,
     "partial_ratios(query, packed, width, rows, score_cutoff) -> bytearray of float32: rapidfuzz's "
     "fuzz.partial_ratio of the query with each row's packed string, 0 below score_cutoff."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ratios", NULL, -1, methods};

PyMODINIT_FUNC PyInit__ratios(void)
{
    return PyModule_Create(&module);
}
