import numpy as np
import numpy.typing as npt

LEVELS: tuple[str, ...]

def top_k(
    codes: npt.NDArray[np.uint64],
    ids: npt.NDArray[np.int64],
    queries: npt.NDArray[np.uint64],
    k: int,
    max_distance: int = 64,
    level: int = -1,
) -> list[tuple[int, int, int]]: ...
def best_level() -> int: ...
