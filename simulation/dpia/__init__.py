"""Decision support in the shape of a DPIA: the scenario's facts, screening flags, and the report."""
