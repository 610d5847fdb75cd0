import numpy as np
import numpy.typing as npt

def indel_ratios(
    query: bytes, packed: npt.NDArray[np.bytes_], width: int, rows: npt.NDArray[np.int64]
) -> bytearray: ...
def partial_ratios(
    query: bytes, packed: npt.NDArray[np.bytes_], width: int, rows: npt.NDArray[np.int64], score_cutoff: float
) -> bytearray: ...
