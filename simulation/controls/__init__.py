"""Stage 3: the privacy controls, one file each, applied in the order fixed by :mod:`.pipeline`."""
