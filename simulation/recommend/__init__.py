"""Recommendations: which control changes buy the most privacy per unit of utility lost (see ``engine``)."""
