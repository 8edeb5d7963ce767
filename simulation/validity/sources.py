"""The publications the facts come from: a short name (used in tables and charts) and the full reference."""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "NHTS 2017": "Federal Highway Administration (2018). Summary of Travel Trends: 2017 National Household Travel "
                 "Survey. FHWA-PL-18-019, US Department of Transportation.",
    "MiD 2017": "Nobis, C. and Kuhnimhof, T. (2018). Mobilität in Deutschland - MiD. Ergebnisbericht. infas, DLR, "
                "IVT, infas 360, on behalf of the Bundesministerium für Verkehr und digitale Infrastruktur.",
    "NHAPS": "Klepeis, N. E. et al. (2001). The National Human Activity Pattern Survey (NHAPS): a resource for "
             "assessing exposure to environmental pollutants. Journal of Exposure Analysis and Environmental "
             "Epidemiology 11:231-252.",
    "Marchetti 1994": "Marchetti, C. (1994). Anthropological invariants in travel behavior. Technological "
                      "Forecasting and Social Change 47(1):75-88.",
    "Gonzalez et al. 2008": "González, M. C., Hidalgo, C. A. and Barabási, A.-L. (2008). Understanding individual "
                            "human mobility patterns. Nature 453:779-782.",
    "Song et al. 2010": "Song, C., Koren, T., Wang, P. and Barabási, A.-L. (2010). Modelling the scaling "
                        "properties of human mobility. Nature Physics 6:818-823.",
    "de Montjoye et al. 2013": "de Montjoye, Y.-A., Hidalgo, C. A., Verleysen, M. and Blondel, V. D. (2013). "
                               "Unique in the Crowd: the privacy bounds of human mobility. Scientific Reports "
                               "3:1376.",
    "Golle and Partridge 2009": "Golle, P. and Partridge, K. (2009). On the anonymity of home/work location "
                                "pairs. Pervasive Computing, LNCS 5538:390-397.",
}
"""Short name -> full reference."""
