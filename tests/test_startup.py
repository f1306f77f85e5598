import gc
import time

from jobboard.startup import freeze_startup_objects


def test_a_full_collection_no_longer_walks_what_startup_loaded():
    gc.collect()
    started = time.perf_counter()
    gc.collect()
    walking_everything = time.perf_counter() - started
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 50_000  # Django, our apps, their choice lists: tens of thousands
        started = time.perf_counter()
        gc.collect()
        assert time.perf_counter() - started < walking_everything / 2
    finally:
        gc.unfreeze()  # the test process goes on creating and dropping models
