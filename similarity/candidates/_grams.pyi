from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

def top_rows(
    lists: Sequence[npt.NDArray[np.int32]],
    fields: Sequence[int],
    nominating: Sequence[int],
    gram_count: npt.NDArray[np.int16],
    k: int,
) -> bytearray: ...
