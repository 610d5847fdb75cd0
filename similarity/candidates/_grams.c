/* The trigram count of a name query in C: the same rows as similarity.candidates.names.top_gram_rows (numpy).
 *
 * top_rows(lists, fields, nominating, gram_count, k) -> bytearray of int64 rows, ascending.
 *
 *   lists       posting lists (int32 buffers, rows ascending and distinct, each row in [0, n_rows))
 *   fields      the field of each list (ints in [0, n_fields))
 *   nominating  indices into lists: the rows of these lists are the candidates
 *   gram_count  (n_fields, n_rows) C-contiguous int16 buffer: trigrams of each field per row
 *   k           how many rows to keep
 *
 * The candidates' rows are marked in a bitmap of n_rows bits (125 KB at a million rows, where numpy's slot table
 * of n_rows int32 is 4 MB) with a running popcount per 64-bit word, so a posting's candidate slot is one bit test
 * plus, on a hit, one popcount. A list much longer than the candidate set is galloped through instead (the
 * candidates are ascending). Dice per field = count / (query trigrams of the field + the row's), the best field
 * decides, and the k best are kept with ties at the k-th value by row ascending.
 *
 * Every buffer is owned by the call (no global state) and the loop runs without the GIL, so threads may call it
 * at once.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_RATIO 8 /* as names.SEARCH_RATIO: a list longer than this many times the candidates is galloped */

static inline int popcount64(uint64_t x)
{
#if defined(__GNUC__) && defined(__POPCNT__)
    return __builtin_popcountll(x);
#else
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
#endif
}

static inline int ctz64(uint64_t x)
{
#if defined(__GNUC__)
    return __builtin_ctzll(x);
#else
    int n = 0;
    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

/* The value at ascending position kidx of a[0..n) (a is reordered): a quickselect with a three-way partition, so
 * the many equal Dice values of a query cost one pass. */
static double select_kth(double *a, Py_ssize_t n, Py_ssize_t kidx)
{
    Py_ssize_t lo = 0, hi = n - 1;
    uint64_t state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
    while (lo < hi) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        double pivot = a[lo + (Py_ssize_t)(state % (uint64_t)(hi - lo + 1))];
        Py_ssize_t lt = lo, i = lo, gt = hi;
        while (i <= gt) {
            double v = a[i];
            if (v < pivot) {
                a[i++] = a[lt];
                a[lt++] = v;
            }
            else if (v > pivot) {
                a[i] = a[gt];
                a[gt--] = v;
            }
            else {
                i++;
            }
        }
        if (kidx < lt)
            hi = lt - 1;
        else if (kidx > gt)
            lo = gt + 1;
        else
            return pivot;
    }
    return a[lo];
}

#define DICE_BUCKETS 1024

/* The histogram bucket of a Dice value in [0, 1], monotone in the value. */
static inline Py_ssize_t bucket_of(double d)
{
    Py_ssize_t b = (Py_ssize_t)(d * DICE_BUCKETS);
    return b < 0 ? 0 : b > DICE_BUCKETS ? DICE_BUCKETS : b;
}

typedef struct {
    const int32_t *rows;
    Py_ssize_t len;
    Py_ssize_t field;
} List;

enum { OK = 0, NO_MEMORY = 1, OUT_OF_RANGE = 2 };

/* The count, without the GIL. On success *out holds *n_out rows (malloc'd, may be NULL when none). */
static int count_top(const List *lists, Py_ssize_t n_lists, const Py_ssize_t *nominating, Py_ssize_t n_nominating,
                     const int16_t *gram_count, Py_ssize_t n_fields, Py_ssize_t n_rows, Py_ssize_t k,
                     int64_t **out, Py_ssize_t *n_out)
{
    int status = OK;
    Py_ssize_t n_words = (n_rows + 63) / 64;
    uint64_t *bits = NULL;
    uint32_t *rank = NULL;
    int32_t *hit = NULL;
    int32_t *counts = NULL;
    double *dice = NULL;
    Py_ssize_t *q_count = NULL;
    Py_ssize_t n_hit = 0;

    *out = NULL;
    *n_out = 0;
    q_count = calloc((size_t)n_fields, sizeof *q_count);
    bits = calloc((size_t)(n_words ? n_words : 1), sizeof *bits);
    rank = malloc((size_t)(n_words ? n_words : 1) * sizeof *rank);
    if (!q_count || !bits || !rank) {
        status = NO_MEMORY;
        goto done;
    }
    for (Py_ssize_t i = 0; i < n_lists; i++)
        q_count[lists[i].field]++;

    /* the candidates: every row of a nominating list */
    for (Py_ssize_t j = 0; j < n_nominating; j++) {
        const List *l = &lists[nominating[j]];
        for (Py_ssize_t i = 0; i < l->len; i++) {
            uint32_t r = (uint32_t)l->rows[i];
            if ((Py_ssize_t)r >= n_rows || l->rows[i] < 0) {
                status = OUT_OF_RANGE;
                goto done;
            }
            bits[r >> 6] |= (uint64_t)1 << (r & 63);
        }
    }
    for (Py_ssize_t w = 0; w < n_words; w++) {
        rank[w] = (uint32_t)n_hit;
        n_hit += popcount64(bits[w]);
    }
    if (n_hit == 0 || k <= 0)
        goto done;
    hit = malloc((size_t)n_hit * sizeof *hit);
    counts = calloc((size_t)(n_fields * (n_hit + 1)), sizeof *counts); /* + 1: the slot a miss may add 0 to */
    dice = malloc((size_t)n_hit * 2 * sizeof *dice); /* the Dice values, then a copy to select in */
    if (!hit || !counts || !dice) {
        status = NO_MEMORY;
        goto done;
    }
    for (Py_ssize_t w = 0, h = 0; w < n_words; w++) {
        uint64_t b = bits[w];
        while (b) {
            hit[h++] = (int32_t)(w * 64 + ctz64(b));
            b &= b - 1;
        }
    }

    /* the counts: for each list, +1 to its field for each candidate it holds */
    for (Py_ssize_t j = 0; j < n_lists; j++) {
        const List *l = &lists[j];
        const int32_t *p = l->rows;
        Py_ssize_t len = l->len;
        int32_t *c = counts + l->field * (n_hit + 1);
        if (len > SEARCH_RATIO * n_hit) {
            /* gallop: both ascending */
            Py_ssize_t at = 0;
            for (Py_ssize_t h = 0; h < n_hit && at < len; h++) {
                int32_t t = hit[h];
                if (p[at] < t) {
                    Py_ssize_t lo = at, step = 1, hi;
                    while (lo + step < len && p[lo + step] < t) {
                        lo += step;
                        step <<= 1;
                    }
                    hi = lo + step < len ? lo + step : len; /* p[lo] < t <= p[hi] (or hi == len) */
                    while (lo + 1 < hi) {
                        Py_ssize_t mid = lo + (hi - lo) / 2;
                        if (p[mid] < t)
                            lo = mid;
                        else
                            hi = mid;
                    }
                    at = hi;
                }
                if (at < len && p[at] == t)
                    c[h]++;
            }
        }
        else {
            for (Py_ssize_t i = 0; i < len; i++) {
                uint32_t r = (uint32_t)p[i];
                if ((Py_ssize_t)r >= n_rows || p[i] < 0) {
                    status = OUT_OF_RANGE;
                    goto done;
                }
                /* branch-free (a posting is a candidate about as often as not): a miss adds 0 to some slot */
                uint64_t word = bits[r >> 6], below = word & (((uint64_t)1 << (r & 63)) - 1);
                c[rank[r >> 6] + popcount64(below)] += (int32_t)((word >> (r & 63)) & 1);
            }
        }
    }

    /* the best Dice coefficient over the fields with query trigrams (the same float division as numpy's) */
    for (Py_ssize_t h = 0; h < n_hit; h++)
        dice[h] = 0.0;
    for (Py_ssize_t f = 0; f < n_fields; f++) {
        if (!q_count[f])
            continue;
        const int32_t *c = counts + f * (n_hit + 1);
        const int16_t *g = gram_count + f * n_rows;
        double q = (double)q_count[f];
        for (Py_ssize_t h = 0; h < n_hit; h++) {
            double d = (double)c[h] / (q + (double)g[hit[h]]), best = dice[h];
            dice[h] = d > best ? d : best; /* maxsd, no branch */
        }
    }

    /* the k best, ties at the k-th value by row ascending, returned by row ascending */
    Py_ssize_t n_keep = n_hit < k ? n_hit : k;
    *out = malloc((size_t)n_keep * sizeof **out);
    if (!*out) {
        status = NO_MEMORY;
        goto done;
    }
    if (n_hit <= k) {
        for (Py_ssize_t h = 0; h < n_hit; h++)
            (*out)[h] = hit[h];
    }
    else {
        /* the k-th best value: a histogram of the values (in [0, 1]) over 1,024 equal buckets finds its bucket in
         * one branch-free pass; an exact select among that bucket's values only (a quickselect over all of them
         * costs a mispredicted branch per value and pass) */
        Py_ssize_t hist[DICE_BUCKETS + 1] = {0};
        for (Py_ssize_t h = 0; h < n_hit; h++)
            hist[bucket_of(dice[h])]++;
        Py_ssize_t b = DICE_BUCKETS, higher = 0;
        while (higher + hist[b] < k) /* the k-th best is in bucket b, after `higher` values in buckets above */
            higher += hist[b--];
        double *tmp = dice + n_hit;
        Py_ssize_t m = 0;
        for (Py_ssize_t h = 0; h < n_hit; h++) {
            tmp[m] = dice[h];
            m += bucket_of(dice[h]) == b;
        }
        double kth = select_kth(tmp, m, m - (k - higher));
        Py_ssize_t above = 0;
        for (Py_ssize_t h = 0; h < n_hit; h++)
            above += dice[h] > kth;
        Py_ssize_t ties = k - above, o = 0;
        for (Py_ssize_t h = 0; h < n_hit; h++) {
            if (dice[h] > kth || (dice[h] == kth && ties-- > 0))
                (*out)[o++] = hit[h];
        }
    }
    *n_out = n_keep;

done:
    free(q_count);
    free(bits);
    free(rank);
    free(hit);
    free(counts);
    free(dice);
    if (status != OK) {
        free(*out);
        *out = NULL;
        *n_out = 0;
    }
    return status;
}

static int format_is(const Py_buffer *view, const char *codes, Py_ssize_t itemsize)
{
    const char *f = view->format ? view->format : "B";
    if (*f == '@' || *f == '=' || *f == '<' || *f == '>' || *f == '!')
        f++;
    return view->itemsize == itemsize && f[0] && !f[1] && strchr(codes, f[0]) != NULL;
}

static PyObject *top_rows(PyObject *self, PyObject *args)
{
    PyObject *lists_obj, *fields_obj, *nominating_obj, *count_obj;
    Py_ssize_t k;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOOn:top_rows", &lists_obj, &fields_obj, &nominating_obj, &count_obj, &k))
        return NULL;

    PyObject *result = NULL, *lists_seq = NULL, *fields_seq = NULL, *nom_seq = NULL;
    Py_buffer *views = NULL, count_view;
    int have_count = 0;
    Py_ssize_t n_views = 0, n_lists = 0, n_nominating = 0;
    List *lists = NULL;
    Py_ssize_t *nominating = NULL;

    lists_seq = PySequence_Fast(lists_obj, "lists must be a sequence");
    fields_seq = lists_seq ? PySequence_Fast(fields_obj, "fields must be a sequence") : NULL;
    nom_seq = fields_seq ? PySequence_Fast(nominating_obj, "nominating must be a sequence") : NULL;
    if (!nom_seq)
        goto done;
    n_lists = PySequence_Fast_GET_SIZE(lists_seq);
    n_nominating = PySequence_Fast_GET_SIZE(nom_seq);
    if (PySequence_Fast_GET_SIZE(fields_seq) != n_lists) {
        PyErr_SetString(PyExc_ValueError, "fields must have one entry per list");
        goto done;
    }
    if (PyObject_GetBuffer(count_obj, &count_view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        goto done;
    have_count = 1;
    if (count_view.ndim != 2 || !format_is(&count_view, "h", 2)) {
        PyErr_SetString(PyExc_ValueError, "gram_count must be a 2-d int16 array");
        goto done;
    }
    Py_ssize_t n_fields = count_view.shape[0], n_rows = count_view.shape[1];
    if (n_rows > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "more rows than int32 postings can hold");
        goto done;
    }
    views = PyMem_Calloc((size_t)(n_lists ? n_lists : 1), sizeof *views);
    lists = PyMem_Calloc((size_t)(n_lists ? n_lists : 1), sizeof *lists);
    nominating = PyMem_Calloc((size_t)(n_nominating ? n_nominating : 1), sizeof *nominating);
    if (!views || !lists || !nominating) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n_lists; i++) {
        if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(lists_seq, i), &views[i], PyBUF_C_CONTIGUOUS | PyBUF_FORMAT)
            < 0)
            goto done;
        n_views++;
        if (views[i].ndim != 1 || !format_is(&views[i], "il", 4)) {
            PyErr_SetString(PyExc_ValueError, "posting lists must be 1-d int32 arrays");
            goto done;
        }
        Py_ssize_t f = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(fields_seq, i));
        if (f == -1 && PyErr_Occurred())
            goto done;
        if (f < 0 || f >= n_fields) {
            PyErr_SetString(PyExc_ValueError, "a field outside gram_count");
            goto done;
        }
        lists[i].rows = views[i].buf;
        lists[i].len = views[i].shape[0];
        lists[i].field = f;
    }
    for (Py_ssize_t j = 0; j < n_nominating; j++) {
        Py_ssize_t i = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(nom_seq, j));
        if (i == -1 && PyErr_Occurred())
            goto done;
        if (i < 0 || i >= n_lists) {
            PyErr_SetString(PyExc_IndexError, "a nominating index outside lists");
            goto done;
        }
        nominating[j] = i;
    }

    int64_t *out = NULL;
    Py_ssize_t n_out = 0;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = count_top(lists, n_lists, nominating, n_nominating, count_view.buf, n_fields, n_rows, k, &out, &n_out);
    Py_END_ALLOW_THREADS
    if (status == NO_MEMORY)
        PyErr_NoMemory();
    else if (status == OUT_OF_RANGE)
        PyErr_SetString(PyExc_IndexError, "a posting outside gram_count's rows");
    else
        result = PyByteArray_FromStringAndSize((const char *)out, n_out * (Py_ssize_t)sizeof *out);
    free(out);

done:
    for (Py_ssize_t i = 0; i < n_views; i++)
        PyBuffer_Release(&views[i]);
    if (have_count)
        PyBuffer_Release(&count_view);
    PyMem_Free(views);
    PyMem_Free(lists);
    PyMem_Free(nominating);
    Py_XDECREF(lists_seq);
    Py_XDECREF(fields_seq);
    Py_XDECREF(nom_seq);
    return result;
}

static PyMethodDef methods[] = {
    {"top_rows", top_rows, METH_VARARGS,
     "top_rows(lists, fields, nominating, gram_count, k) -> bytearray of int64 rows, ascending\n\n"
     "The k rows of the best Dice coefficient over the fields among the rows of the nominating lists, ties by "
     "row ascending (similarity.candidates.names.top_gram_rows)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_grams", "The trigram count of name candidates, compiled.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__grams(void)
{
    return PyModule_Create(&module);
}
