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
    if (width <= 0 || packed.len % width != 0) {
        PyErr_SetString(PyExc_ValueError, "packed is not a whole number of strings of width bytes");
        goto done;
    }
    if (rows.len % (Py_ssize_t)sizeof(int64_t) != 0) {
        PyErr_SetString(PyExc_ValueError, "rows is not an int64 buffer");
        goto done;
    }
    Py_ssize_t n_rows = packed.len / width, n = rows.len / (Py_ssize_t)sizeof(int64_t);
    const int64_t *row = (const int64_t *)rows.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (row[i] < 0 || row[i] >= n_rows) {
            PyErr_SetString(PyExc_IndexError, "a row is outside the packed column");
            goto done;
        }
    }
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
    for (Py_ssize_t i = 0; i < n; i++) {
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

static PyMethodDef methods[] = {
    {"indel_ratios", indel_ratios, METH_VARARGS,
     "indel_ratios(query, packed, width, rows) -> bytearray of float32: rapidfuzz's fuzz.ratio of the query with "
     "each row's packed string."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ratios", NULL, -1, methods};

PyMODINIT_FUNC PyInit__ratios(void)
{
    return PyModule_Create(&module);
}
