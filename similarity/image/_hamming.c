/* The flat Hamming search of one logo index in C: the same answer as similarity.image.search.LogoIndex.search.
 *
 * top_k(codes, ids, queries, k, max_distance=64, level=-1) -> list of (id, distance, variant), best first
 *
 *   codes         uint64[n], C-contiguous: the stored 64-bit codes (similarity.image.mih.as_uint64's view)
 *   ids           int64[n]: the label of each code (distinct)
 *   queries       uint64[v]: the query's variant codes (v = 1, or the 8 dihedral variants; any v in 1..64)
 *   k             how many codes to return
 *   max_distance  codes farther than this (over every variant) are dropped; 0..64
 *   level         the popcount to run: 0 portable (bit arithmetic), 1 the popcnt instruction, 2 AVX2 (4 codes
 *                 per vector, nibble look-ups), 3 AVX-512 VPOPCNTDQ (8 codes per instruction); -1 the best this CPU
 *                 has (best_level())
 *
 * Each code counts once, at its smallest distance over the variants (the first such variant); the k best by
 * (distance, variant, id) are returned in that order.
 *
 * One pass over the codes keeps a cut distance: the smallest distance within which k codes have been seen so far
 * (a 65-bin histogram of the kept codes' distances moves it down). A code is kept when its distance is at or under
 * the cut, so after the first few thousand codes almost every code costs its popcounts and one comparison; the
 * kept codes (those at the final cut, ties included) are then ranked exactly by (distance, variant, id).
 *
 * Every buffer is owned by the call (no global state but the CPU level, fixed at import) and the pass runs without
 * the GIL, so threads may call it at once. The CPU's features are read at run time (__builtin_cpu_supports): the
 * module is compiled for the baseline instruction set, with the faster paths in functions of their own target.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define HAMMING_X86 1
#include <immintrin.h>
#endif

enum { LEVEL_PORTABLE = 0, LEVEL_POPCNT = 1, LEVEL_AVX2 = 2, LEVEL_AVX512 = 3, N_LEVELS = 4 };
static const char *const LEVEL_NAMES[N_LEVELS] = {"portable", "popcnt", "avx2", "avx512"};

#define MAX_VARIANTS 64

/* ---- the kept codes and the cut ---------------------------------------------------------------------------- */

typedef struct {
    Py_ssize_t *pos;  /* positions of the kept codes */
    uint8_t *dist;    /* and their distances */
    Py_ssize_t len, cap;
    Py_ssize_t hist[65]; /* kept codes by distance, for distances at or under the cut */
    Py_ssize_t under;    /* kept codes at or under the cut */
    Py_ssize_t k;
    int cut;
    int failed; /* out of memory */
} Kept;

static int kept_init(Kept *kept, Py_ssize_t k, Py_ssize_t n, int max_distance)
{
    memset(kept, 0, sizeof *kept);
    kept->k = k;
    kept->cut = max_distance;
    Py_ssize_t cap = 2 * k + 1024;
    kept->cap = cap < n ? cap : (n ? n : 1);
    kept->pos = malloc((size_t)kept->cap * sizeof *kept->pos);
    kept->dist = malloc((size_t)kept->cap);
    return kept->pos && kept->dist;
}

static void kept_free(Kept *kept)
{
    free(kept->pos);
    free(kept->dist);
}

/* Keep code `pos` at distance `d` (d <= cut), lower the cut while k codes lie under it, and make room. */
static void keep(Kept *kept, Py_ssize_t pos, int d)
{
    if (kept->len == kept->cap) {
        /* drop the codes the cut has passed; grow when that frees less than half */
        Py_ssize_t o = 0;
        for (Py_ssize_t i = 0; i < kept->len; i++) {
            if (kept->dist[i] <= kept->cut) {
                kept->pos[o] = kept->pos[i];
                kept->dist[o++] = kept->dist[i];
            }
        }
        kept->len = o;
        if (o > kept->cap / 2) {
            Py_ssize_t cap = kept->cap * 2;
            Py_ssize_t *pos_grown = realloc(kept->pos, (size_t)cap * sizeof *kept->pos);
            if (pos_grown)
                kept->pos = pos_grown;
            uint8_t *dist_grown = pos_grown ? realloc(kept->dist, (size_t)cap) : NULL;
            if (dist_grown)
                kept->dist = dist_grown;
            if (!pos_grown || !dist_grown) {
                kept->failed = 1;
                return;
            }
            kept->cap = cap;
        }
    }
    kept->pos[kept->len] = pos;
    kept->dist[kept->len++] = (uint8_t)d;
    kept->hist[d]++;
    kept->under++;
    while (kept->cut > 0 && kept->under - kept->hist[kept->cut] >= kept->k) {
        kept->under -= kept->hist[kept->cut];
        kept->cut--;
    }
}

/* ---- the pass, one function per popcount --------------------------------------------------------------------- */

static inline int popcount_portable(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
}

/* The scalar pass over codes [from, n), with `POPCOUNT` as the popcount; nv constant in the callers below so the
 * variant loop unrolls. */
#define SCALAR_PASS(POPCOUNT)                                                                                  \
    for (Py_ssize_t i = from; i < n; i++) {                                                                    \
        uint64_t c = codes[i];                                                                                 \
        int d = POPCOUNT(c ^ q[0]);                                                                            \
        for (int v = 1; v < nv; v++) {                                                                         \
            int e = POPCOUNT(c ^ q[v]);                                                                        \
            d = e < d ? e : d;                                                                                 \
        }                                                                                                      \
        if (d <= kept->cut) {                                                                                  \
            keep(kept, i, d);                                                                                  \
            if (kept->failed)                                                                                  \
                return;                                                                                        \
        }                                                                                                      \
    }

static inline void pass_portable_nv(const uint64_t *codes, Py_ssize_t from, Py_ssize_t n, const uint64_t *q, int nv,
                                    Kept *kept)
{
    SCALAR_PASS(popcount_portable)
}

static void pass_portable(const uint64_t *codes, Py_ssize_t n, const uint64_t *q, int nv, Kept *kept)
{
    if (nv == 8)
        pass_portable_nv(codes, 0, n, q, 8, kept);
    else if (nv == 1)
        pass_portable_nv(codes, 0, n, q, 1, kept);
    else
        pass_portable_nv(codes, 0, n, q, nv, kept);
}

#ifdef HAMMING_X86
#define POPCNT_TARGET __attribute__((target("popcnt")))
#define AVX2_TARGET __attribute__((target("popcnt,avx2")))
#define AVX512_TARGET __attribute__((target("popcnt,avx512f,avx512vpopcntdq")))
#define POPCOUNT_BUILTIN(x) __builtin_popcountll(x)

static inline __attribute__((always_inline)) POPCNT_TARGET void
pass_popcnt_nv(const uint64_t *codes, Py_ssize_t from, Py_ssize_t n, const uint64_t *q, int nv, Kept *kept)
{
    SCALAR_PASS(POPCOUNT_BUILTIN)
}

static POPCNT_TARGET void pass_popcnt(const uint64_t *codes, Py_ssize_t n, const uint64_t *q, int nv, Kept *kept)
{
    if (nv == 8)
        pass_popcnt_nv(codes, 0, n, q, 8, kept);
    else if (nv == 1)
        pass_popcnt_nv(codes, 0, n, q, 1, kept);
    else
        pass_popcnt_nv(codes, 0, n, q, nv, kept);
}

/* 4 codes per vector; the popcount of each byte from two nibble look-ups, summed per 64-bit lane by a SAD. */
static inline __attribute__((always_inline)) AVX2_TARGET __m256i popcount_avx2(__m256i x, __m256i lut, __m256i low)
{
    __m256i lo = _mm256_and_si256(x, low), hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), low);
    __m256i bytes = _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
    return _mm256_sad_epu8(bytes, _mm256_setzero_si256());
}

static inline __attribute__((always_inline)) AVX2_TARGET void
pass_avx2_nv(const uint64_t *codes, Py_ssize_t n, const uint64_t *q, int nv, Kept *kept)
{
    __m256i qv[MAX_VARIANTS];
    for (int v = 0; v < nv; v++)
        qv[v] = _mm256_set1_epi64x((long long)q[v]);
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2,
                                         2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    /* the distances are at most 64: 32-bit lanes compare them (the upper halves are 0) */
    __m256i cut = _mm256_set1_epi64x(kept->cut + 1);
    Py_ssize_t blocks = n - n % 4;
    for (Py_ssize_t i = 0; i < blocks; i += 4) {
        __m256i c = _mm256_loadu_si256((const __m256i *)(codes + i));
        __m256i d = popcount_avx2(_mm256_xor_si256(c, qv[0]), lut, low);
        for (int v = 1; v < nv; v++)
            d = _mm256_min_epi32(d, popcount_avx2(_mm256_xor_si256(c, qv[v]), lut, low));
        int under = _mm256_movemask_epi8(_mm256_cmpgt_epi32(cut, d));
        if (under) {
            uint64_t lanes[4];
            _mm256_storeu_si256((__m256i *)lanes, d);
            for (int j = 0; j < 4; j++) {
                if ((int)lanes[j] <= kept->cut) {
                    keep(kept, i + j, (int)lanes[j]);
                    if (kept->failed)
                        return;
                }
            }
            cut = _mm256_set1_epi64x(kept->cut + 1);
        }
    }
    pass_popcnt_nv(codes, blocks, n, q, nv, kept);
}

static AVX2_TARGET void pass_avx2(const uint64_t *codes, Py_ssize_t n, const uint64_t *q, int nv, Kept *kept)
{
    if (nv == 8)
        pass_avx2_nv(codes, n, q, 8, kept);
    else if (nv == 1)
        pass_avx2_nv(codes, n, q, 1, kept);
    else
        pass_avx2_nv(codes, n, q, nv, kept);
}

static inline __attribute__((always_inline)) AVX512_TARGET void
pass_avx512_nv(const uint64_t *codes, Py_ssize_t n, const uint64_t *q, int nv, Kept *kept)
{
    __m512i qv[MAX_VARIANTS];
    for (int v = 0; v < nv; v++)
        qv[v] = _mm512_set1_epi64((long long)q[v]);
    __m512i cut = _mm512_set1_epi64(kept->cut);
    Py_ssize_t blocks = n - n % 8;
    for (Py_ssize_t i = 0; i < blocks; i += 8) {
        __m512i c = _mm512_loadu_si512((const void *)(codes + i));
        __m512i d = _mm512_popcnt_epi64(_mm512_xor_si512(c, qv[0]));
        for (int v = 1; v < nv; v++)
            d = _mm512_min_epu64(d, _mm512_popcnt_epi64(_mm512_xor_si512(c, qv[v])));
        __mmask8 under = _mm512_cmple_epu64_mask(d, cut);
        if (under) {
            uint64_t lanes[8];
            _mm512_storeu_si512((void *)lanes, d);
            for (int j = 0; j < 8; j++) {
                /* the cut may have moved within the block */
                if (((under >> j) & 1) && (int)lanes[j] <= kept->cut) {
                    keep(kept, i + j, (int)lanes[j]);
                    if (kept->failed)
                        return;
                }
            }
            cut = _mm512_set1_epi64(kept->cut);
        }
    }
    pass_popcnt_nv(codes, blocks, n, q, nv, kept);
}

static AVX512_TARGET void pass_avx512(const uint64_t *codes, Py_ssize_t n, const uint64_t *q, int nv, Kept *kept)
{
    if (nv == 8)
        pass_avx512_nv(codes, n, q, 8, kept);
    else if (nv == 1)
        pass_avx512_nv(codes, n, q, 1, kept);
    else
        pass_avx512_nv(codes, n, q, nv, kept);
}

static int cpu_level(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq")
        && __builtin_cpu_supports("popcnt"))
        return LEVEL_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"))
        return LEVEL_AVX2;
    if (__builtin_cpu_supports("popcnt"))
        return LEVEL_POPCNT;
    return LEVEL_PORTABLE;
}
#else
static int cpu_level(void)
{
    return LEVEL_PORTABLE;
}
#endif

/* ---- the ranking of the kept codes --------------------------------------------------------------------------- */

typedef struct {
    int64_t id;
    uint8_t dist, variant;
} Hit;

static int hit_order(const void *a, const void *b)
{
    const Hit *x = a, *y = b;
    if (x->dist != y->dist)
        return x->dist < y->dist ? -1 : 1;
    if (x->variant != y->variant)
        return x->variant < y->variant ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

enum { OK = 0, NO_MEMORY = 1 };

/* The search, without the GIL. On success *out holds *n_out hits, best first (malloc'd, may be NULL when none). */
static int search(const uint64_t *codes, const int64_t *ids, Py_ssize_t n, const uint64_t *q, int nv, Py_ssize_t k,
                  int max_distance, int level, Hit **out, Py_ssize_t *n_out)
{
    Kept kept;
    *out = NULL;
    *n_out = 0;
    if (!kept_init(&kept, k, n, max_distance)) {
        kept_free(&kept);
        return NO_MEMORY;
    }
    switch (level) {
#ifdef HAMMING_X86
    case LEVEL_AVX512:
        pass_avx512(codes, n, q, nv, &kept);
        break;
    case LEVEL_AVX2:
        pass_avx2(codes, n, q, nv, &kept);
        break;
    case LEVEL_POPCNT:
        pass_popcnt(codes, n, q, nv, &kept);
        break;
#endif
    default:
        pass_portable(codes, n, q, nv, &kept);
    }
    if (kept.failed) {
        kept_free(&kept);
        return NO_MEMORY;
    }
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < kept.len; i++)
        m += kept.dist[i] <= kept.cut;
    Hit *hits = malloc((size_t)(m ? m : 1) * sizeof *hits);
    if (!hits) {
        kept_free(&kept);
        return NO_MEMORY;
    }
    m = 0;
    for (Py_ssize_t i = 0; i < kept.len; i++) {
        int d = kept.dist[i];
        if (d > kept.cut)
            continue;
        uint64_t c = codes[kept.pos[i]];
        int v = 0;
        while (popcount_portable(c ^ q[v]) != d) /* the first variant at the code's distance */
            v++;
        hits[m].id = ids[kept.pos[i]];
        hits[m].dist = (uint8_t)d;
        hits[m++].variant = (uint8_t)v;
    }
    kept_free(&kept);
    qsort(hits, (size_t)m, sizeof *hits, hit_order);
    *out = hits;
    *n_out = m < k ? m : k;
    return OK;
}

/* ---- Python ---------------------------------------------------------------------------------------------------- */

static int best = LEVEL_PORTABLE; /* the CPU's level, set once at import and only read afterwards */

static int format_is(const Py_buffer *view, const char *codes, Py_ssize_t itemsize)
{
    const char *f = view->format ? view->format : "B";
#if PY_LITTLE_ENDIAN
    if (*f == '@' || *f == '=' || *f == '<')
#else
    if (*f == '@' || *f == '=' || *f == '>' || *f == '!')
#endif
        f++;
    return view->itemsize == itemsize && f[0] && !f[1] && strchr(codes, f[0]) != NULL;
}

static int get_vector(PyObject *obj, Py_buffer *view, const char *name, const char *formats)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return 0;
    if (view->ndim != 1 || !format_is(view, formats, 8)) {
        PyErr_Format(PyExc_ValueError, "%s must be a 1-d C-contiguous array of 8-byte integers (native order)", name);
        PyBuffer_Release(view);
        return 0;
    }
    return 1;
}

static PyObject *top_k(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"codes", "ids", "queries", "k", "max_distance", "level", NULL};
    PyObject *codes_obj, *ids_obj, *queries_obj;
    Py_ssize_t k;
    int max_distance = 64, level = -1;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOn|ii:top_k", keywords, &codes_obj, &ids_obj, &queries_obj, &k,
                                     &max_distance, &level))
        return NULL;
    if (max_distance < 0 || max_distance > 64) {
        PyErr_Format(PyExc_ValueError, "max_distance is %d - it must be in 0..64 for 64-bit codes", max_distance);
        return NULL;
    }
    if (level == -1)
        level = best;
    if (level < 0 || level > best) {
        PyErr_Format(PyExc_ValueError, "level %d is not available on this CPU - pass 0..%d (best_level())", level,
                     best);
        return NULL;
    }

    Py_buffer codes_view, ids_view, queries_view;
    if (!get_vector(codes_obj, &codes_view, "codes", "QL"))
        return NULL;
    if (!get_vector(ids_obj, &ids_view, "ids", "ql")) {
        PyBuffer_Release(&codes_view);
        return NULL;
    }
    if (!get_vector(queries_obj, &queries_view, "queries", "QL")) {
        PyBuffer_Release(&codes_view);
        PyBuffer_Release(&ids_view);
        return NULL;
    }
    PyObject *result = NULL;
    Py_ssize_t n = codes_view.shape[0], nv = queries_view.shape[0];
    if (ids_view.shape[0] != n) {
        PyErr_Format(PyExc_ValueError, "%zd ids for %zd codes - pass one id per code", ids_view.shape[0], n);
        goto done;
    }
    if (nv < 1 || nv > MAX_VARIANTS) {
        PyErr_Format(PyExc_ValueError, "%zd query codes - pass 1 to %d (8 dihedral variants)", nv, MAX_VARIANTS);
        goto done;
    }
    if (k <= 0 || n == 0) {
        result = PyList_New(0);
        goto done;
    }
    Hit *hits = NULL;
    Py_ssize_t n_hits = 0;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = search(codes_view.buf, ids_view.buf, n, queries_view.buf, (int)nv, k < n ? k : n, max_distance, level,
                    &hits, &n_hits);
    Py_END_ALLOW_THREADS
    if (status == NO_MEMORY) {
        PyErr_NoMemory();
        goto done;
    }
    result = PyList_New(n_hits);
    for (Py_ssize_t i = 0; result && i < n_hits; i++) {
        PyObject *hit = Py_BuildValue("(Lii)", (long long)hits[i].id, (int)hits[i].dist, (int)hits[i].variant);
        if (!hit) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, i, hit);
    }
    free(hits);

done:
    PyBuffer_Release(&codes_view);
    PyBuffer_Release(&ids_view);
    PyBuffer_Release(&queries_view);
    return result;
}

static PyObject *best_level(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromLong(best);
}

static PyMethodDef methods[] = {
    {"top_k", (PyCFunction)(void (*)(void))top_k, METH_VARARGS | METH_KEYWORDS,
     "top_k(codes, ids, queries, k, max_distance=64, level=-1) -> list of (id, distance, variant)\n\n"
     "The k codes nearest to any of the queries, each at its smallest distance over them (the first such query), "
     "sorted by distance, variant, id; codes farther than max_distance dropped (similarity.image.search). level: "
     "0 portable, 1 popcnt, 2 AVX2, 3 AVX-512 VPOPCNTDQ, -1 the best this CPU has."},
    {"best_level", best_level, METH_NOARGS, "best_level() -> int: the fastest popcount this CPU has (see LEVELS)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_hamming", "The flat Hamming top-k of logo codes, compiled.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__hamming(void)
{
    best = cpu_level();
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    PyObject *names = PyTuple_New(N_LEVELS);
    for (int i = 0; names && i < N_LEVELS; i++) {
        PyObject *name = PyUnicode_FromString(LEVEL_NAMES[i]);
        if (!name) {
            Py_CLEAR(names);
            break;
        }
        PyTuple_SET_ITEM(names, i, name);
    }
    if (!names || PyModule_AddObject(m, "LEVELS", names) < 0) {
        Py_XDECREF(names);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
