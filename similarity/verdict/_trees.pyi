import numpy as np
import numpy.typing as npt

def leaves(
    x: npt.NDArray[np.float64],
    n_features: int,
    feature: npt.NDArray[np.int64],
    threshold: npt.NDArray[np.float64],
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    roots: npt.NDArray[np.int64],
) -> bytearray: ...
