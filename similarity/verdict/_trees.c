/* The leaves of gradient-boosted trees for rows of evidence, in C: the same nodes as ConflictModel.raw's numpy walk
 * (similarity/verdict/model.py), without its per-level array steps (a check evaluates ~45 rows x 150 trees).
 *
 * leaves(x, n_features, feature, threshold, left, right, roots) -> bytearray of int64, n_rows x n_trees
 *
 *   x          float64 buffer, n_rows x n_features, C order
 *   feature    int64 buffer per node (a leaf's is ignored)
 *   threshold  float64 buffer per node: a row goes left when x[feature] <= threshold (NaN goes right)
 *   left       int64 buffer per node: the left child, < 0 for a leaf
 *   right      int64 buffer per node: the right child
 *   roots      int64 buffer: each tree's first node
 *
 * Every node index is checked before the walk; a tree must not loop (a walk longer than the node count is refused).
 * The loop runs without the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static PyObject *leaves(PyObject *self, PyObject *args)
{
    Py_buffer x, feature, threshold, left, right, roots;
    Py_ssize_t n_features;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*ny*y*y*y*y*", &x, &n_features, &feature, &threshold, &left, &right, &roots))
        return NULL;
    PyObject *out = NULL;
    Py_ssize_t n_nodes = left.len / 8, n_trees = roots.len / 8;
    if (n_features <= 0 || x.len % (8 * n_features) || feature.len != 8 * n_nodes || threshold.len != 8 * n_nodes ||
        right.len != 8 * n_nodes || left.len % 8 || roots.len % 8) {
        PyErr_SetString(PyExc_ValueError, "the buffers' sizes do not agree");
        goto done;
    }
    Py_ssize_t n_rows = x.len / (8 * n_features);
    const int64_t *f = feature.buf, *l = left.buf, *r = right.buf, *root = roots.buf;
    const double *t = threshold.buf, *xs = x.buf;
    for (Py_ssize_t i = 0; i < n_nodes; i++) {
        if (l[i] >= 0 && (l[i] >= n_nodes || r[i] < 0 || r[i] >= n_nodes || f[i] < 0 || f[i] >= n_features)) {
            PyErr_SetString(PyExc_ValueError, "a node's child or feature is out of range");
            goto done;
        }
    }
    for (Py_ssize_t k = 0; k < n_trees; k++) {
        if (root[k] < 0 || root[k] >= n_nodes) {
            PyErr_SetString(PyExc_ValueError, "a root is out of range");
            goto done;
        }
    }
    out = PyByteArray_FromStringAndSize(NULL, n_rows * n_trees * 8);
    if (out == NULL)
        goto done;
    int64_t *leaf = (int64_t *)PyByteArray_AS_STRING(out);
    int looped = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n_rows && !looped; i++) {
        const double *row = xs + i * n_features;
        for (Py_ssize_t k = 0; k < n_trees; k++) {
            int64_t node = root[k];
            Py_ssize_t steps = 0;
            while (l[node] >= 0) {
                node = row[f[node]] <= t[node] ? l[node] : r[node];
                if (++steps > n_nodes) {
                    looped = 1;
                    break;
                }
            }
            leaf[i * n_trees + k] = node;
        }
    }
    Py_END_ALLOW_THREADS
    if (looped) {
        Py_CLEAR(out);
        PyErr_SetString(PyExc_ValueError, "a tree loops");
    }
done:
    PyBuffer_Release(&x);
    PyBuffer_Release(&feature);
    PyBuffer_Release(&threshold);
    PyBuffer_Release(&left);
    PyBuffer_Release(&right);
    PyBuffer_Release(&roots);
    return out;
}

static PyMethodDef methods[] = {
    {"leaves", leaves, METH_VARARGS,
     "leaves(x, n_features, feature, threshold, left, right, roots) -> bytearray of int64: the leaf each row reaches "
     "in each tree."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_trees", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__trees(void)
{
    return PyModule_Create(&module);
}
