"""Numbers of undiscovered deposits from a deposit-density model.

In well-explored *control* tracts the number of deposits of a type grows less than in
proportion to the permissive area: large tracts hold fewer deposits per km2 than small ones.
Singer & Menzie (2010) fit ``log10 N = a + b log10(area)`` (optionally ``+ c log10(median
tonnage)`` for a model across deposit types) to control tracts and read the numbers of
deposits that will be equalled or exceeded with probability 0.9, 0.5 and 0.1 from the
regression's prediction interval. The Geological Survey of Finland's MapWizard ("Deposit
density" tool) ships the published coefficients; :mod:`bornite.io.mapwizard` reads them.

:class:`DepositDensityModel` holds one regression. Its :meth:`~DepositDensityModel.elicitation`
is an elicitation table that any pmf estimator of :mod:`bornite.assessment.deposit_counts`
fits, so deposit density enters an assessment exactly like a panel's estimate.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from bornite.assessment.elicitation import validate_elicitation
from bornite.core.units import TONNAGE_UNITS, tonnes
from bornite.errors import ExtrapolationWarning, ValidationError

__all__ = ["DepositDensityModel"]

FloatArray = npt.NDArray[np.float64]

#: Without a known calibration range, areas more than this many standard deviations of
#: log10(area) from the control tracts' mean are flagged as extrapolation.
_Z_LIMIT = 3.0


_PORPHYRY_CITATION = (
    "Singer, D.A., and Menzie, W.D., 2010, Quantitative mineral resource assessments: An "
    "integrated approach: New York, Oxford University Press, 219 p. (porphyry copper deposit "
    "density, 33 control tracts; see also Singer, D.A., Berger, V.I., Menzie, W.D., and "
    "Berger, B.R., 2005, Porphyry copper deposit density: Economic Geology, v. 100, "
    "p. 491-514)"
)


@dataclass(frozen=True)
class DepositDensityModel:
    """A deposit-density regression and its prediction interval.

    Parameters
    ----------
    a, b : float
        Intercept and slope of ``log10 N50 = a + b log10(area_km2) [+ c log10(tonnage)]``.
    t_value : float
        Student's t quantile of the interval, ``t(0.90, N - p - 1)`` for ``p`` predictors
        (MapWizard's ``t10,N-3``).
    s_yx : float
        Residual standard error of the regression, in log10 deposits (``sy|x``).
    n_tracts : int
        Number of control tracts ``N``.
    mean_log_area : float
        Mean of log10(area in km2) over the control tracts.
    var_log_area : float
        Sample variance (``ddof=1``) of log10(area) over the control tracts. (MapWizard's
        column ``sLogArea`` carries this variance for the single-type models.)
    c : float
        Coefficient of log10(median tonnage); 0 for a single deposit type.
    mean_log_tonnage, var_log_tonnage : float, optional
        Mean and variance of log10(median tonnage in ``tonnage_unit``); needed when ``c != 0``.
    cov_log_area_tonnage : float
        Covariance of the two predictors over the control tracts (0 if unknown).
    tonnage_unit : str
        Unit of the tonnage predictor in the regression (``"Mt"`` in Singer & Menzie).
    min_area_km2, max_area_km2 : float, optional
        Smallest and largest control tract; predictions outside warn
        (:class:`ExtrapolationWarning`). Without them, areas more than three standard
        deviations of log10(area) from the mean warn.
    deposit_type, citation : str
        Carried into reports.

    Notes
    -----
    For a tract of area ``A`` (and median deposit tonnage ``T``), with ``x0 = log10 A``,

    .. math::

        \\mu = a + b x_0 [+ c \\log_{10} T], \\quad
        h = \\frac{1}{N} + \\frac{d^T S^{-1} d}{N - 1}, \\quad
        \\sigma = s_{y|x} \\sqrt{1 + h},

    where ``d`` is the new point's deviation from the control tracts' mean predictors and ``S``
    their sample covariance (for one predictor ``h = 1/N + (x0 - xbar)^2 / ((N-1) s_x^2)``, the
    textbook leverage of a new observation). The interval is on log10 N:
    ``N50 = 10^mu``, ``N90 = 10^(mu - t sigma)``, ``N10 = 10^(mu + t sigma)``; each is rounded to a
    whole number of deposits (to even at .5, as MapWizard's ``Math.Round``).

    The expected number treats N as log-normal with log10 standard deviation ``sigma``:
    ``E[N] = 10^(mu + ln(10) sigma^2 / 2)``. Deposit-density models count all deposits of
    well-explored tracts, so ``n_known`` known deposits are subtracted from the expected number
    and the median moved accordingly: ``mu_u = log10(E[N] - n_known) - ln(10) sigma^2 / 2`` (the
    spread is kept). MapWizard follows the same steps but omits the ``ln(10)`` factor, which
    makes its expected numbers (and, with known deposits, its quantiles) slightly lower.

    For the two-predictor ("general") model MapWizard's leverage term differs from the one
    above (it multiplies the two squared deviations); bornite uses the regression formula.

    References
    ----------
    Singer, D.A., and Menzie, W.D., 2010, Quantitative mineral resource assessments: An
    integrated approach: New York, Oxford University Press, 219 p.

    Examples
    --------
    >>> model = DepositDensityModel.porphyry_copper()
    >>> model.predict(93_400)[["N90", "N50", "N10"]].to_dict("records")
    [{'N90': 6, 'N50': 13, 'N10': 27}]
    >>> model.elicitation(93_400)
                  Name  Weight  N90  N50  N10
    0  deposit density     1.0    6   13   27
    """

    a: float
    b: float
    t_value: float
    s_yx: float
    n_tracts: int
    mean_log_area: float
    var_log_area: float
    c: float = 0.0
    mean_log_tonnage: float | None = None
    var_log_tonnage: float | None = None
    cov_log_area_tonnage: float = 0.0
    tonnage_unit: str = "Mt"
    min_area_km2: float | None = None
    max_area_km2: float | None = None
    deposit_type: str = ""
    citation: str = ""

    def __post_init__(self) -> None:
        where = f"deposit-density model{f' ({self.deposit_type})' if self.deposit_type else ''}"
        for name in ("a", "b", "c", "t_value", "s_yx", "mean_log_area", "var_log_area"):
            value = getattr(self, name)
            if not isinstance(value, int | float | np.floating | np.integer) or not math.isfinite(
                value
            ):
                msg = f"{where}: {name} must be a finite number, got {value!r}"
                raise ValidationError(msg)
        if not self.t_value > 0 or self.s_yx < 0:
            msg = f"{where}: t_value must be > 0 and s_yx >= 0, got {self.t_value} and {self.s_yx}"
            raise ValidationError(msg)
        predictors = 2 if self.c != 0 else 1
        if int(self.n_tracts) != self.n_tracts or self.n_tracts < predictors + 2:
            msg = (
                f"{where}: n_tracts must be a whole number >= {predictors + 2} for "
                f"{predictors} predictor(s), got {self.n_tracts}"
            )
            raise ValidationError(msg)
        if not self.var_log_area > 0:
            msg = f"{where}: var_log_area must be > 0 (the variance of log10 area), got " + str(
                self.var_log_area
            )
            raise ValidationError(msg)
        if self.c != 0:
            if self.mean_log_tonnage is None or self.var_log_tonnage is None:
                msg = (
                    f"{where}: c = {self.c} needs mean_log_tonnage and var_log_tonnage of the "
                    "control tracts"
                )
                raise ValidationError(msg)
            if not self.var_log_tonnage > 0:
                msg = f"{where}: var_log_tonnage must be > 0, got {self.var_log_tonnage}"
                raise ValidationError(msg)
            if self.var_log_area * self.var_log_tonnage <= self.cov_log_area_tonnage**2:
                msg = (
                    f"{where}: cov_log_area_tonnage {self.cov_log_area_tonnage} is too large "
                    "for the two variances (the covariance matrix is singular)"
                )
                raise ValidationError(msg)
        if self.tonnage_unit not in TONNAGE_UNITS:
            msg = f"{where}: tonnage_unit must be one of {', '.join(TONNAGE_UNITS)}"
            raise ValidationError(msg)
        if (
            self.min_area_km2 is not None
            and self.max_area_km2 is not None
            and not 0 < self.min_area_km2 <= self.max_area_km2
        ):
            msg = (
                f"{where}: need 0 < min_area_km2 <= max_area_km2, got {self.min_area_km2} and "
                f"{self.max_area_km2}"
            )
            raise ValidationError(msg)
        object.__setattr__(self, "n_tracts", int(self.n_tracts))

    # ------------------------------------------------------------------------ constructors
    @classmethod
    def porphyry_copper(cls) -> DepositDensityModel:
        """Singer & Menzie's (2010) porphyry copper model, 33 control tracts.

        ``log10 N50 = -1.041858 + 0.430677 log10(area_km2)``, ``s_y|x = 0.2444``,
        ``t(0.90, 31) = 1.309``, variance of log10(area) 0.2912 (the values MapWizard ships in
        ``PorphyryCu_data.csv``).

        The mean log10(area) is 4.6305, computed from the 33 control tracts (MapWizard's
        ``IndataPorCu.csv``, which reproduce the published ``a``, ``b`` and the variance 0.2912).
        MapWizard's coefficient file gives 2.622 instead, about 2 lower, as if the areas were
        in hundreds of km2; with km2 areas that value widens the intervals of typical tracts
        by 20 to 30 %. The calibration range is 1,552 to 255,700 km2.
        """
        return cls(
            a=-1.041858,
            b=0.430677,
            t_value=1.309,
            s_yx=0.2444,
            n_tracts=33,
            mean_log_area=4.6305,
            var_log_area=0.2912,
            min_area_km2=1_552.0,
            max_area_km2=255_700.0,
            deposit_type="porphyry copper",
            citation=_PORPHYRY_CITATION,
        )

    @classmethod
    def from_control_tracts(
        cls,
        area_km2: npt.ArrayLike,
        n_deposits: npt.ArrayLike,
        *,
        median_tonnage_t: npt.ArrayLike | None = None,
        probability: float = 0.9,
        tonnage_unit: str = "Mt",
        deposit_type: str = "",
        citation: str = "",
    ) -> DepositDensityModel:
        """Fit the regression to control tracts by ordinary least squares.

        Parameters
        ----------
        area_km2, n_deposits : array_like
            Area and number of known deposits of each control tract (all > 0).
        median_tonnage_t : array_like, optional
            Median deposit tonnage (tonnes) of each tract's deposit type, for the
            two-predictor model.
        probability : float
            Two-sided interval from ``1 - probability`` to ``probability`` (0.9: N90 and N10).
        tonnage_unit : str
            Unit of the tonnage predictor inside the regression.

        Returns
        -------
        DepositDensityModel
            With ``t_value = t(probability, N - p - 1)`` and the calibration range.

        Examples
        --------
        >>> m = DepositDensityModel.from_control_tracts([100, 1000, 10_000, 50_000],
        ...                                             [2, 5, 12, 30])
        >>> round(m.b, 3), m.n_tracts
        (0.427, 4)
        """
        area = np.asarray(area_km2, dtype=float).ravel()
        count = np.asarray(n_deposits, dtype=float).ravel()
        if area.shape != count.shape:
            msg = (
                f"control tracts: {area.size} areas and {count.size} numbers of deposits; give "
                "one of each per tract"
            )
            raise ValidationError(msg)
        bad = np.flatnonzero(~(np.isfinite(area) & (area > 0) & np.isfinite(count) & (count > 0)))
        if bad.size:
            msg = (
                f"control tracts {(bad + 1).tolist()[:10]}: areas and numbers of deposits must "
                "be > 0 (log10 is taken); drop tracts without deposits"
            )
            raise ValidationError(msg)
        if not 0.5 < probability < 1.0:
            msg = f"probability must lie in (0.5, 1), got {probability}"
            raise ValidationError(msg)
        x = np.log10(area)
        columns = [np.ones_like(x), x]
        tonnage_log: FloatArray | None = None
        if median_tonnage_t is not None:
            tonnage = np.asarray(median_tonnage_t, dtype=float).ravel()
            if tonnage.shape != area.shape or not np.all(tonnage > 0):
                msg = "control tracts: median_tonnage_t needs one value > 0 per tract"
                raise ValidationError(msg)
            tonnage_log = np.log10(tonnage / tonnes(1.0, tonnage_unit))
            columns.append(tonnage_log)
        design = np.column_stack(columns)
        n, p1 = design.shape
        if n < p1 + 1:
            msg = f"control tracts: {n} tracts cannot fit {p1 - 1} predictor(s); give more"
            raise ValidationError(msg)
        y = np.log10(count)
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        residuals = y - design @ coef
        df = n - p1
        s_yx = float(np.sqrt(residuals @ residuals / df))
        extra: dict[str, float] = {}
        if tonnage_log is not None:
            cov = np.cov(x, tonnage_log)
            extra = {
                "c": float(coef[2]),
                "mean_log_tonnage": float(tonnage_log.mean()),
                "var_log_tonnage": float(cov[1, 1]),
                "cov_log_area_tonnage": float(cov[0, 1]),
            }
        return cls(
            a=float(coef[0]),
            b=float(coef[1]),
            t_value=float(stats.t.ppf(probability, df)),
            s_yx=s_yx,
            n_tracts=n,
            mean_log_area=float(x.mean()),
            var_log_area=float(x.var(ddof=1)),
            tonnage_unit=tonnage_unit,
            min_area_km2=float(area.min()),
            max_area_km2=float(area.max()),
            deposit_type=deposit_type,
            citation=citation,
            **extra,
        )

    # -------------------------------------------------------------------------- prediction
    def _check_areas(self, area: FloatArray) -> None:
        bad = np.flatnonzero(~(np.isfinite(area) & (area > 0)))
        if bad.size:
            msg = (
                f"deposit-density model: tract area must be a positive number of km2, got "
                f"{area[bad[0]]!r}"
            )
            raise ValidationError(msg)
        if self.min_area_km2 is not None and self.max_area_km2 is not None:
            outside = area[(area < self.min_area_km2) | (area > self.max_area_km2)]
            if outside.size:
                warnings.warn(
                    f"deposit-density model ({self.deposit_type or 'unnamed'}): area "
                    f"{outside[0]:,.0f} km2 is outside the control tracts' "
                    f"{self.min_area_km2:,.0f} to {self.max_area_km2:,.0f} km2; the prediction "
                    "is an extrapolation",
                    ExtrapolationWarning,
                    stacklevel=3,
                )
            return
        z = np.abs(np.log10(area) - self.mean_log_area) / math.sqrt(self.var_log_area)
        if np.any(z > _Z_LIMIT):
            worst = int(np.argmax(z))
            warnings.warn(
                f"deposit-density model ({self.deposit_type or 'unnamed'}): log10 of area "
                f"{area[worst]:,.0f} km2 lies {z[worst]:.1f} standard deviations from the control "
                f"tracts' mean {self.mean_log_area:g}; the prediction is an extrapolation (or the "
                "model's mean_log_area is in other units)",
                ExtrapolationWarning,
                stacklevel=3,
            )

    def _tonnage_term(
        self, n: int, median_tonnage_t: npt.ArrayLike | None
    ) -> tuple[FloatArray, FloatArray] | None:
        if self.c == 0:
            return None
        if median_tonnage_t is None:
            msg = (
                f"deposit-density model: c = {self.c} needs median_tonnage_t (the median deposit "
                "tonnage of the type, in tonnes)"
            )
            raise ValidationError(msg)
        tonnage = np.broadcast_to(np.asarray(median_tonnage_t, dtype=float), (n,))
        if not np.all(np.isfinite(tonnage) & (tonnage > 0)):
            msg = "deposit-density model: median_tonnage_t must be > 0 tonnes"
            raise ValidationError(msg)
        return tonnage, np.log10(tonnage / tonnes(1.0, self.tonnage_unit))

    def predict(
        self,
        area_km2: npt.ArrayLike,
        median_tonnage_t: npt.ArrayLike | None = None,
        *,
        n_known: npt.ArrayLike = 0,
    ) -> pd.DataFrame:
        """Predict N90, N50, N10 and the expected number of deposits for tracts.

        Parameters
        ----------
        area_km2 : float or array_like
            Permissive tract area(s) in km2.
        median_tonnage_t : float or array_like, optional
            Median deposit tonnage in tonnes; needed by the two-predictor model only.
        n_known : int or array_like
            Known deposits in the tract, subtracted from the expected number (see Notes of
            :class:`DepositDensityModel`).

        Returns
        -------
        pandas.DataFrame
            One row per area: ``area_km2``, [``median_tonnage_t``], ``n_known``, ``log10_n50``,
            ``sd_log10`` (the prediction's standard deviation of log10 N), continuous ``n90``,
            ``n50``, ``n10`` and ``n_expected``, and whole numbers ``N90``, ``N50``, ``N10``.

        Raises
        ------
        ValidationError
            For areas that are not positive, a missing tonnage, or more known deposits than
            the model expects in the tract.

        Warns
        -----
        ExtrapolationWarning
            For areas outside the control tracts' range.
        """
        area = np.atleast_1d(np.asarray(area_km2, dtype=float)).ravel()
        self._check_areas(area)
        known = np.broadcast_to(np.asarray(n_known, dtype=float), area.shape)
        if np.any(~np.isfinite(known) | (known < 0)):
            msg = "deposit-density model: n_known must be >= 0"
            raise ValidationError(msg)
        x0 = np.log10(area)
        tonnage = self._tonnage_term(area.size, median_tonnage_t)
        mu = self.a + self.b * x0
        dx = x0 - self.mean_log_area
        if tonnage is None:
            quadratic = dx**2 / self.var_log_area
        else:
            assert self.mean_log_tonnage is not None
            assert self.var_log_tonnage is not None
            mu = mu + self.c * tonnage[1]
            dz = tonnage[1] - self.mean_log_tonnage
            cov = np.array(
                [
                    [self.var_log_area, self.cov_log_area_tonnage],
                    [self.cov_log_area_tonnage, self.var_log_tonnage],
                ]
            )
            deviations = np.column_stack([dx, dz])
            quadratic = np.einsum("ij,jk,ik->i", deviations, np.linalg.inv(cov), deviations)
        leverage = 1.0 / self.n_tracts + quadratic / (self.n_tracts - 1)
        sd = self.s_yx * np.sqrt(1.0 + leverage)
        log_mean_shift = math.log(10.0) * sd**2 / 2.0
        expected = 10.0 ** (mu + log_mean_shift)
        if np.any(known > 0):
            short = np.flatnonzero(known >= expected)
            if short.size:
                i = int(short[0])
                msg = (
                    f"deposit-density model: {known[i]:g} known deposits in a tract of "
                    f"{area[i]:,.0f} km2, but the model expects {expected[i]:.1f} deposits in "
                    "all; check the known deposits (the model cannot estimate undiscovered ones "
                    "here)"
                )
                raise ValidationError(msg)
            expected = expected - known
            mu = np.log10(expected) - log_mean_shift
        half = self.t_value * sd
        table = {"area_km2": area}
        if tonnage is not None:
            table["median_tonnage_t"] = tonnage[0]
        n90, n50, n10 = 10.0 ** (mu - half), 10.0**mu, 10.0 ** (mu + half)
        table |= {
            "n_known": known.astype(np.int64) if np.all(known == np.round(known)) else known,
            "log10_n50": mu,
            "sd_log10": sd,
            "n90": n90,
            "n50": n50,
            "n10": n10,
            "n_expected": expected,
            "N90": np.rint(n90).astype(np.int64),
            "N50": np.rint(n50).astype(np.int64),
            "N10": np.rint(n10).astype(np.int64),
        }
        return pd.DataFrame(table)

    def elicitation(
        self,
        area_km2: float,
        median_tonnage_t: float | None = None,
        *,
        n_known: int = 0,
        name: str = "deposit density",
        weight: float = 1.0,
    ) -> pd.DataFrame:
        """The prediction for one tract as a one-row elicitation table.

        Returns
        -------
        pandas.DataFrame
            Columns ``Name``, ``Weight``, ``N90``, ``N50``, ``N10`` (validated), ready for
            ``NegBinomialPmf().fit(...)`` or any other estimator.

        Examples
        --------
        >>> from bornite.assessment.deposit_counts import NegBinomialPmf
        >>> table = DepositDensityModel.porphyry_copper().elicitation(18_000)
        >>> table[["N90", "N50", "N10"]].to_numpy().tolist()
        [[3, 6, 13]]
        >>> round(NegBinomialPmf().fit(table).pmf_.mean, 1) > 0
        True
        """
        if np.ndim(area_km2) != 0:
            msg = "elicitation takes the area of one tract; use predict for several"
            raise ValidationError(msg)
        row = self.predict(area_km2, median_tonnage_t, n_known=n_known).iloc[0]
        table = pd.DataFrame(
            {
                "Name": [name],
                "Weight": [float(weight)],
                "N90": [int(row["N90"])],
                "N50": [int(row["N50"])],
                "N10": [int(row["N10"])],
            }
        )
        return validate_elicitation(table, source=f"deposit density ({area_km2:g} km2)")
