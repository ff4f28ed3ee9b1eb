#!/usr/bin/env python3
"""Build drivers.csv, outlooks.csv and sources.csv for research/demand/drivers.

Two kinds of rows:
1. Rows extracted from the IEA Global EV Data Explorer 2024 file (GEVO 2024 data set,
   CC BY 4.0). The file is read from a local copy of a public GitHub repository that
   carries it unchanged ("IEA Global EV Data 2024.csv",
   Kaulik2004/Global-EV-Sales-Analysis-and-Prediction-ARIMA-time-series-model-).
   Set IEA_CSV to another path if needed. The extracted rows are written to
   drivers.csv; the IEA file itself is not copied into the project.
2. Hand-copied rows (MANUAL_* lists below), each number taken from the stored copy
   named by its source_id (see SOURCES).

Run: python3 _build.py   (needs pandas)
"""
import csv
import math
import os

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
IEA_CSV = os.environ.get("IEA_CSV", "/tmp/drv/iea2024.csv")
IEA_MIRROR = ("/work/.mirror/Kaulik2004+Global-EV-Sales-Analysis-and-Prediction-ARIMA-"
              "time-series-model-/repo")


def load_iea():
    """Read the IEA file; if no local copy, extract it from the fetched git mirror."""
    if not os.path.exists(IEA_CSV):
        import subprocess
        os.makedirs(os.path.dirname(IEA_CSV), exist_ok=True)
        blob = subprocess.run(["git", "--git-dir", IEA_MIRROR, "show",
                               "HEAD:IEA Global EV Data 2024.csv"],
                              check=True, capture_output=True).stdout
        with open(IEA_CSV, "wb") as f:
            f.write(blob)
    return pd.read_csv(IEA_CSV)

DRV_COLS = ["driver", "region", "year", "value", "low", "high", "unit", "scenario",
            "status", "preferred", "source_id", "note"]
OUT_COLS = ["metric", "region", "year", "value", "low", "high", "unit", "scenario",
            "edition", "status", "preferred", "source_id", "note"]
SRC_COLS = ["source_id", "title", "publisher", "year", "address", "via", "licence", "note"]

IEA_REGION = {
    "World": "WLD", "China": "CHN", "EU27": "EU27", "Europe": "EUR", "USA": "USA",
    "Japan": "JPN", "Korea": "KOR", "India": "IND", "Turkiye": "TUR", "Mexico": "MEX",
    "United Kingdom": "GBR", "Brazil": "BRA", "Germany": "DEU", "France": "FRA",
    "Italy": "ITA", "Spain": "ESP", "Netherlands": "NLD", "Sweden": "SWE", "Poland": "POL",
    "Rest of the world": "OTH",
}
EUR_NOTE = ("EUR = IEA GEVO aggregate 'Europe' (European countries in the IEA EV data "
            "explorer; wider than EU27 - includes UK, Norway, Switzerland, Iceland; exact "
            "membership, e.g. Türkiye, not checked)")
OTH_NOTE = ("OTH = IEA 'Rest of the world' in the projections = World minus China, Europe, "
            "USA and India (not the USGS 'other countries' meaning of OTH)")
IEA_SRC = "iea-gevo-2024-data"


def fmt(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, str):
        return x
    if float(x).is_integer():
        return str(int(round(x)))
    return ("%.6g" % x)


def half_unit_2sf(x):
    """Half of one unit in the 2nd significant figure (IEA rounds to 2 s.f.)."""
    if x <= 0:
        return 0.0
    return 0.5 * 10 ** (math.floor(math.log10(x)) - 1)


def round_sig(x, n=3):
    if x == 0:
        return 0
    return round(x, -int(math.floor(math.log10(abs(x)))) + (n - 1))


def iea_rows():
    d = load_iea()
    rows = []
    hist = d[(d.category == "Historical") & (d.year >= 2015)]
    # 1. electric car sales by powertrain, 2015-2023
    s = hist[(hist.parameter == "EV sales") & (hist["mode"] == "Cars")
             & (hist.powertrain.isin(["BEV", "PHEV"]))]
    for _, r in s.iterrows():
        if r.region not in IEA_REGION or IEA_REGION[r.region] == "OTH":
            continue
        reg = IEA_REGION[r.region]
        note = ("IEA GEVO 2024 data set (Global EV Data Explorer), historical electric car "
                "sales; IEA rounds to 2 significant figures")
        if reg == "EUR":
            note += "; " + EUR_NOTE
        rows.append(dict(driver="ev_sales_" + r.powertrain.lower(), region=reg, year=int(r.year),
                         value=r.value, unit="vehicles", scenario="historical",
                         status="reported", preferred="true", source_id=IEA_SRC, note=note))
    # 2. EV sales share of new cars, and DERIVED total car sales
    sh = hist[(hist.parameter == "EV sales share") & (hist["mode"] == "Cars")]
    sales = s.pivot_table(index=["region", "year"], columns="powertrain", values="value")
    for _, r in sh.iterrows():
        if r.region not in IEA_REGION or IEA_REGION[r.region] == "OTH":
            continue
        reg = IEA_REGION[r.region]
        share = round_sig(float(r.value), 2)
        extra = ("; " + EUR_NOTE) if reg == "EUR" else ""
        rows.append(dict(driver="ev_sales_share_cars", region=reg, year=int(r.year), value=share,
                         unit="percent", scenario="historical", status="reported",
                         preferred="true", source_id=IEA_SRC,
                         note="IEA GEVO 2024 data set: (BEV+PHEV) share of new car sales" + extra))
        key = (r.region, r.year)
        if key in sales.index and share >= 1.0:
            bev = sales.loc[key].get("BEV", float("nan"))
            phev = sales.loc[key].get("PHEV", float("nan"))
            bev = 0.0 if math.isnan(bev) else bev
            phev = 0.0 if math.isnan(phev) else phev
            ev = bev + phev
            if ev <= 0:
                continue
            val = ev / (share / 100.0)
            ev_lo = ev - half_unit_2sf(bev) - half_unit_2sf(phev)
            ev_hi = ev + half_unit_2sf(bev) + half_unit_2sf(phev)
            sh_lo, sh_hi = share - half_unit_2sf(share), share + half_unit_2sf(share)
            lo, hi = ev_lo / (sh_hi / 100.0), ev_hi / (sh_lo / 100.0)
            rows.append(dict(
                driver="car_sales", region=reg, year=int(r.year), value=round_sig(val, 3),
                low=round_sig(lo, 3), high=round_sig(hi, 3), unit="vehicles",
                scenario="historical", status="derived", preferred="true", source_id=IEA_SRC,
                note=("DERIVED: (BEV %s + PHEV %s) / EV share %s%% = %s new cars; low/high "
                      "propagate IEA 2-significant-figure rounding of sales and share; only "
                      "where share >= 1%%%s" % (fmt(bev), fmt(phev), fmt(share),
                                                 fmt(round_sig(val, 3)), extra))))
    # 3. electric buses, trucks, vans (World, China, Europe, USA)
    o = hist[(hist.parameter == "EV sales") & (hist["mode"].isin(["Buses", "Trucks", "Vans"]))
             & (hist.powertrain.isin(["BEV", "PHEV"]))
             & (hist.region.isin(["World", "China", "Europe", "USA"]))]
    for _, r in o.iterrows():
        reg = IEA_REGION[r.region]
        mode = {"Buses": "bus", "Trucks": "truck", "Vans": "van"}[r["mode"]]
        note = "IEA GEVO 2024 data set, historical sales of electric %ss" % mode
        if reg == "EUR":
            note += "; " + EUR_NOTE
        rows.append(dict(driver="ev_%s_sales_%s" % (mode, r.powertrain.lower()), region=reg,
                         year=int(r.year), value=r.value, unit="vehicles",
                         scenario="historical", status="reported", preferred="true",
                         source_id=IEA_SRC, note=note))
    # 4. projections (cars) 2025/2030/2035, STEPS and APS
    p = d[(d.category.isin(["Projection-STEPS", "Projection-APS"])) & (d.year >= 2025)
          & (d.parameter == "EV sales") & (d["mode"] == "Cars")
          & (d.powertrain.isin(["BEV", "PHEV"]))]
    for _, r in p.iterrows():
        reg = IEA_REGION[r.region]
        scen = r.category.split("-")[1]
        note = ("IEA GEVO 2024 (April 2024) projection, %s, electric car sales; outlook, "
                "not an observation" % scen)
        if reg == "EUR":
            note += "; " + EUR_NOTE
        if reg == "OTH":
            note += "; " + OTH_NOTE
        rows.append(dict(driver="ev_sales_" + r.powertrain.lower(), region=reg, year=int(r.year),
                         value=r.value, unit="vehicles", scenario=scen, status="forecast",
                         preferred="true", source_id=IEA_SRC, note=note))
    return rows


# ---------------------------------------------------------------------------
# hand-copied rows: (driver, region, year, value, low, high, unit, scenario, status,
#                    preferred, source_id, note)
M = []


def add(driver, region, year, value, low, high, unit, scenario, status, preferred, src, note):
    M.append(dict(driver=driver, region=region, year=year, value=value, low=low, high=high,
                  unit=unit, scenario=scenario, status=status, preferred=preferred,
                  source_id=src, note=note))


H, R, D, F, E, X = "historical", "reported", "derived", "forecast", "estimate", "missing"

# --- electric cars 2024/2025 and totals --------------------------------------------
add("ev_sales_total", "USA", 2024, 1600000, "", "", "vehicles", H, R, "true",
    "iea-gevo-2025-trends",
    "GEVO 2025: US electric car sales 1.6 million in 2024 (BEV+PHEV; split not in the text read); +~10% y/y")
add("ev_sales_total", "BRA", 2024, 125000, "", "", "vehicles", H, R, "true", "evfy-2025-gevo",
    "GEVO 2025 as relayed by evfy.in: 'nearly 125,000', double 2023, 6.5% share; value approximate (upper end of 'nearly'); SECONDARY")
add("ev_sales_total", "IND", 2024, 99378, "", "", "vehicles", H, R, "true", "evfy-2025-gevo",
    "electric cars/SUVs/MPVs sold in India in 2024 per evfy.in (underlying registry not named, likely Vahan); SECONDARY")
add("ev_sales_total", "WLD", 2025, 20000000, 20000000, "", "vehicles", H, R, "true",
    "gevo-2026-secondary",
    "lower bound: GEVO 2026 (via news aggregator) 'exceeded 20 million in 2025, growing 20% from 2024'; LOW RELIABILITY secondary; embedded Rho Motion Jan-Nov 18.5 M is a different scope")
add("ev_sales_total", "WLD", 2026, 23000000, "", "", "vehicles", "IEA GEVO 2026 outlook", F,
    "true", "gevo-2026-secondary", "GEVO 2026 expectation for 2026: 23 million, 28% of car sales; LOW RELIABILITY secondary")
add("ev_sales_share_cars", "WLD", 2026, 28, "", "", "percent", "IEA GEVO 2026 outlook", F,
    "true", "gevo-2026-secondary", "GEVO 2026 expectation for 2026; secondary")
# EU27 (ACEA) 2024
add("ev_sales_bev", "EU27", 2024, 1447934, "", "", "vehicles", H, R, "true", "acea-2025-01-fy2024",
    "ACEA new EU car registrations 2024 (BEV), -5.9% y/y, 13.6% share; Eurostat gives 1.45 million (consistent); IEA data set ends 2023")
add("ev_sales_phev", "EU27", 2024, 758944, "", "", "vehicles", H, R, "true", "acea-2025-01-fy2024",
    "ACEA new EU car registrations 2024 (PHEV), -6.8% y/y, 8.3% share (Dec)")
add("hev_sales", "EU27", 2024, 3280000, 3250000, 3300000, "vehicles", H, D, "true",
    "acea-2025-01-fy2024",
    "DERIVED: HEV share 30.9% x ~10.6 million registrations = 3.28 million; low/high from rounding (30.85-30.95%, 10.55-10.65 M); ACEA 'hybrid-electric' = full and mild hybrids, excl. plug-ins")
add("hev_sales", "EU27", 2024, 3950000, "", "", "vehicles", H, R, "false", "eurostat-2025-07-30",
    "Eurostat: 'new hybrid passenger cars' 3.95 million (+12.7%); not preferred: Eurostat hybrid category differs from ACEA HEV (may include mild/other hybrids); kept as conflict")
add("car_sales", "EU27", 2024, 10600000, "", "", "vehicles", H, R, "true", "acea-2025-01-fy2024",
    "ACEA new car registrations EU 2024 'approx. 10.6 million' (+0.8%)")
add("car_sales", "EUR", 2024, 12847929, "", "", "vehicles", H, R, "true", "acea-2025-01-fy2024",
    "ACEA EU+EFTA+UK new car registrations 2024 (as printed by commersant.ge, which also says 'up 0.8% from 12,963,614 in 2023' - inconsistent: that would be a fall); EUR here = EU+EFTA+UK, not the IEA aggregate")
add("ev_sales_bev", "EUR", 2024, 1990000, "", "", "vehicles", H, R, "false", "acea-2025-01-fy2024",
    "ACEA EU+EFTA+UK BEV registrations 2024 '1.99 million' (-1.3%) via batteryindustry.net; EUR here = EU+EFTA+UK (ACEA), not the IEA 'Europe' aggregate; not preferred only because the IEA EUR series stops in 2023 with another definition")
add("ev_sales_phev", "EUR", 2024, 952058, "", "", "vehicles", H, R, "false", "acea-2025-01-fy2024",
    "ACEA EU+EFTA+UK PHEV registrations 2024 via batteryindustry.net; EUR = EU+EFTA+UK (ACEA definition)")
add("ev_sales_bev", "DEU", 2024, 380609, "", "", "vehicles", H, R, "true", "acea-2025-01-fy2024",
    "ACEA (= KBA) BEV registrations 2024, -27.4% y/y")
add("ev_sales_bev", "FRA", 2024, 290614, "", "", "vehicles", H, R, "true", "acea-2025-01-fy2024",
    "ACEA BEV registrations 2024, -2.6% y/y")
add("ev_sales_bev", "NLD", 2024, 132166, "", "", "vehicles", H, R, "true", "acea-2025-01-fy2024",
    "ACEA BEV registrations 2024, +16% y/y")
add("ev_sales_bev", "GBR", 2024, 381907, "", "", "vehicles", H, R, "true", "acea-2025-01-fy2024",
    "ACEA BEV registrations 2024 (UK), +21.4% y/y")
for reg in ["ITA", "ESP", "SWE", "POL"]:
    add("ev_sales_bev", reg, 2024, "", "", "", "vehicles", H, X, "true", "acea-2025-01-fy2024",
        "MISSING: 2024 BEV registrations for this country not in the texts read (ACEA press release tables not reached)")
# EU27 2025
add("ev_sales_bev", "EU27", 2025, 1880370, "", "", "vehicles", H, R, "true", "acea-2026-01-27-fy2025",
    "ACEA 27 Jan 2026: BEV registrations 2025, 17.4% share")
add("ev_sales_phev", "EU27", 2025, 1015887, "", "", "vehicles", H, R, "true", "acea-2026-01-27-fy2025",
    "ACEA 27 Jan 2026: PHEV registrations 2025 (9.4% share per Sharecast)")
add("hev_sales", "EU27", 2025, 3733325, "", "", "vehicles", H, R, "true", "acea-2026-01-27-fy2025",
    "ACEA 27 Jan 2026: hybrid-electric (non-plug-in) registrations 2025, 34.5% share")
add("car_sales", "EU27", 2025, 10800000, "", "", "vehicles", H, R, "true", "acea-2026-01-27-fy2025",
    "ACEA via Sharecast: EU new car registrations 2025 '10.8 million' (+1.8%)")
# China
add("nev_sales_caam", "CHN", 2024, 12866000, "", "", "vehicles", H, R, "true", "caam-2025-01-13",
    "CAAM: NEV sales 2024 12.866 million (+35.5%), 40.9% of all vehicle sales; includes commercial vehicles and 1.28 million exports, so larger than IEA 'electric car sales in China' (>11 million)")
add("vehicle_sales_all", "CHN", 2024, 31436000, "", "", "vehicles", H, R, "true", "caam-2025-01-13",
    "CAAM: total vehicle sales 2024 31.436 million (+4.5%), all vehicle types incl. exports (Jiji Press)")
add("car_sales", "CHN", 2024, 22600000, "", "", "vehicles", H, R, "true", "thepolitician-2025-china-cars",
    "domestic passenger car sales 2024 22.6 million (+3.1%); association not named in the text read (likely CPCA retail); ICE share 51%")
add("ev_sales_bev", "CHN", 2024, "", "", "", "vehicles", H, X, "true", "iea-gevo-2025",
    "MISSING: 2024 BEV/PHEV split for China not found in texts read (GEVO 2025 data set not reached)")
add("ev_sales_phev", "CHN", 2024, "", "", "", "vehicles", H, X, "true", "iea-gevo-2025",
    "MISSING: see ev_sales_bev CHN 2024")
add("ev_sales_bev", "WLD", 2024, "", "", "", "vehicles", H, X, "true", "iea-gevo-2025",
    "MISSING: world 2024 BEV/PHEV split not in the GEVO 2025 texts read; total 'exceeded 17 million' is embedded")
add("ev_sales_phev", "WLD", 2024, "", "", "", "vehicles", H, X, "true", "iea-gevo-2025",
    "MISSING: see ev_sales_bev WLD 2024")
# Türkiye (ODMD)
add("ev_sales_bev", "TUR", 2025, 189868, "", "", "vehicles", H, R, "true", "odmd-2026-01-fy2025",
    "ODMD via AA/Yeni Asır: full-electric cars 2025; 191,960 (17.7% share) incl. range-extender EVs")
add("ev_sales_phev", "TUR", 2025, 47969, "", "", "vehicles", H, R, "true", "odmd-2026-01-fy2025",
    "ODMD: plug-in hybrid cars 2025 (+383.5%), counted inside 'hybrid' 295,378")
add("hev_sales", "TUR", 2025, 247409, "", "", "vehicles", H, D, "true", "odmd-2026-01-fy2025",
    "DERIVED: ODMD 'hybrid' 295,378 minus plug-in hybrids 47,969 = 247,409 (non-plug-in hybrids incl. mild hybrids)")
add("car_sales", "TUR", 2025, 1084496, "", "", "vehicles", H, R, "true", "odmd-2026-01-fy2025",
    "ODMD: car sales 2025 (+10.62%); light commercial 283,904 not included")
add("car_sales", "TUR", 2024, 980380, "", "", "vehicles", H, D, "true", "odmd-2026-01-fy2025",
    "DERIVED: 1,084,496 / 1.1062 = ~980,380 (2025 sales and stated +10.62% growth)")
add("ev_sales_bev", "TUR", 2024, "", "", "", "vehicles", H, X, "true", "odmd-2026-01-fy2025",
    "MISSING: ODMD full-year 2024 BEV figure not found (BYD alone sold 45,537 cars in 2025, embedded); Jan-Aug 2024 BEV share 7.8%")
# India
add("ev_sales_total", "IND", 2025, 175000, "", "", "vehicles", H, R, "false", "iesa-2026-01-vahan",
    "Vahan via IESA: 'electric four-wheelers' 175,000 in 2025, includes small/light commercial goods carriers, so wider than electric cars; not preferred as a car figure")
add("car_sales", "IND", 2025, 4400000, 4400000, "", "vehicles", H, R, "true", "iesa-2026-01-vahan",
    "lower bound: Vahan registrations of passenger four-wheelers 'crossed 4.4 million' in 2025")
# --- two/three-wheelers --------------------------------------------------------
for y, v in [(2021, 10200000), (2022, 7700000), (2023, 7500000), (2024, 6900000)]:
    add("e_two_wheeler_sales", "CHN", y, v, "", "", "vehicles", H, R, "true", "autocarpro-2025-gevo-e2w",
        "IEA GEVO 2025 figures as tabulated by Autocar Professional; electric two-wheelers (IEA scope: mopeds/motorcycles, excludes e-bicycles)")
add("e_two_wheeler_sales", "IND", 2023, 900000, "", "", "vehicles", H, R, "true", "bizstandard-2024-india-e2w",
    "calendar 2023, India second-largest e2W market; IEA data via Business Standard")
add("e_two_wheeler_sales", "IND", 2024, 1300000, "", "", "vehicles", H, R, "true", "daijiworld-2025-gevo",
    "GEVO 2025: 1.3 million electric 2Ws, 6% of India's 2W sales")
add("e_two_wheeler_sales", "IND", 2025, 1280000, "", "", "vehicles", H, R, "true", "iesa-2026-01-vahan",
    "Vahan registrations via IESA, calendar 2025; 57% of India's 2.3 million EV registrations; different source from the 2024 IEA figure")
add("e_three_wheeler_sales", "IND", 2024, 700000, "", "", "vehicles", H, R, "true", "daijiworld-2025-gevo",
    "GEVO 2025: 'close to 700,000', +~20%; India largest e3W market")
add("e_three_wheeler_sales", "WLD", 2024, 1000000, 1000000, "", "vehicles", H, R, "true", "daijiworld-2025-gevo",
    "lower bound: GEVO 2025 (via Inshorts Hindi summary) 'more than 1 million' electric 3Ws sold worldwide")
add("e_three_wheeler_sales", "IND", 2025, 800000, "", "", "vehicles", H, R, "true", "iesa-2026-01-vahan",
    "Vahan via IESA: electric three-wheelers (L3 and L5) 0.8 million in 2025")
add("ev_sales_all_segments", "IND", 2025, 2300000, "", "", "vehicles", H, R, "true", "iesa-2026-01-vahan",
    "Vahan via IESA: all EV registrations 2025, 8% of 28.2 million vehicle registrations")
add("e_2w3w_sales_share", "WLD", 2023, 13, "", "", "percent", H, R, "true", "iea-gevo-2024-2w3w",
    "GEVO 2024: electric share of 2/3W sales 13% globally; China >30%, India 8%, ASEAN 3%")
add("e_two_wheeler_sales", "WLD", 2024, "", "", "", "vehicles", H, X, "true", "iea-gevo-2025",
    "MISSING: world electric 2W sales total for 2024 not found in texts read")
add("e_two_wheeler_shipments_broad", "WLD", 2023, 67400000, "", "", "vehicles", H, R, "false",
    "redplanx-2024-e2w",
    "LOW RELIABILITY: 'global electric two-wheeler shipments' 67.4 M (+4.5%), underlying source not named; scope evidently includes electric bicycles (China 55.2 M vs IEA 7.5 M), so use only as an e-bike/light-EV indicator")
add("e_two_wheeler_shipments_broad", "CHN", 2023, 55200000, "", "", "vehicles", H, R, "false",
    "redplanx-2024-e2w", "LOW RELIABILITY: as above, China 55.2 M = 81.9% of the broad total")
# --- outlooks for vehicles (forecast) ---------------------------------------------
add("ev_sales_all_modes_ex_2w3w", "WLD", 2030, 45000000, "", "", "vehicles", "STEPS", F, "true",
    "iea-gevo-2024-outlook", "GEVO 2024: EV sales (all modes excl. 2/3W) 'almost 45 million' in 2030 in STEPS; ~40% sales share")
add("ev_sales_all_modes_ex_2w3w", "WLD", 2035, 65000000, "", "", "vehicles", "STEPS", F, "true",
    "iea-gevo-2024-outlook", "GEVO 2024: 'close to 65 million' in 2035 in STEPS; >50% sales share")
for scen, y, v, note in [("STEPS", 2030, 40, "'almost 40%'"), ("STEPS", 2035, 50, "'over 50%' (lower bound)"),
                         ("APS", 2030, 45, "'approaching 45%'"), ("APS", 2035, 67, "'two-thirds'"),
                         ("NZE", 2030, 65, "'about 65%'"), ("NZE", 2035, 95, "'95%'")]:
    add("ev_sales_share_all_modes_ex_2w3w", "WLD", y, v, v if "lower" in note else "", "", "percent",
        scen, F, "true", "iea-gevo-2024-outlook", "GEVO 2024 EV sales share (LDV, buses, trucks) " + note)
for scen, v in [("STEPS", 45000000), ("APS", 50000000), ("NZE", 70000000)]:
    add("ev_sales_all_modes", "WLD", 2030, v, "", "", "vehicles", scen, F, "false", "iea-gcmo-2024-outlook",
        "GCMO 2024: global EV sales 'almost 45 million' (STEPS), '50 million' (APS), '70 million' (NZE) in 2030; scope as in GCMO; not preferred vs GEVO 2024 for the EV path (same IEA modelling round, GEVO is the EV source)")
add("ev_sales_share_cars", "WLD", 2030, 40, 40, "", "percent", "STEPS", F, "true", "iea-gevo-2025",
    "GEVO 2025 (May 2025): electric car share 'set to exceed 40%' in 2030 under today's policy settings (STEPS); lower bound")
for reg in ["WLD", "CHN", "EUR", "USA", "IND"]:
    for scen in ["STEPS"]:
        add("ev_sales_total", reg, 2030, "", "", "", "vehicles", scen + " (GEVO 2025)", X, "false",
            "iea-gevo-2025", "MISSING: GEVO 2025 regional 2030 sales in vehicles not found in texts read; GEVO 2024 values (this file) are the preferred available outlook")
for reg in ["WLD", "CHN", "EUR", "USA", "IND", "OTH"]:
    for scen in ["STEPS", "APS"]:
        add("ev_sales_total", reg, 2040, "", "", "", "vehicles", scen, X, "true", "iea-gevo-2024-data",
            "MISSING: GEVO 2024 data set stops at 2035; no 2040 EV sales found")
# --- wind: world ---------------------------------------------------------------------
add("wind_additions_total", "WLD", 2015, 63.5, "", "", "GW", H, R, "true", "ieefa-2016-gwec-2015",
    "GWEC annual review via IEEFA (reposted on gwec.net): record 63.5 GW, +22%; cumulative 432.9 GW")
add("wind_additions_total", "WLD", 2015, 61.8, "", "", "GW", H, R, "false", "ihs-2016-wind-2015",
    "IHS estimate, 'a bit lower than GWEC'; not preferred (GWEC is the series used elsewhere)")
add("wind_additions_total", "WLD", 2016, 54, 54, "", "GW", H, R, "true", "gwec-2017-fintrib-2016",
    "GWEC Global Wind Report 2016: 'over 54 GW' (lower bound); cumulative 486.8 GW")
add("wind_additions_total", "WLD", 2017, 52.573, "", "", "GW", H, R, "true", "cleantechnica-2018-gwec-2017",
    "52,573 MW; cumulative 539,581 MW (GWEC global statistics 2017 via CleanTechnica tag page)")
add("wind_additions_total", "WLD", 2018, 51.3, "", "", "GW", H, R, "true", "aenert-2020-gwec-gwr2019",
    "GWEC Global Wind Report 2019: 2018 = 51.3 GW")
add("wind_additions_total", "WLD", 2019, 60.4, "", "", "GW", H, R, "true", "aenert-2020-gwec-gwr2019",
    "GWEC Global Wind Report 2019: 60.4 GW, +19%; cumulative 651 GW")
add("wind_additions_offshore", "WLD", 2019, 6.1, "", "", "GW", H, R, "true", "aenert-2020-gwec-gwr2019",
    "GWEC GWR 2019: 10% of new installations offshore (6.1 GW)")
add("wind_additions_onshore", "WLD", 2019, 54.3, "", "", "GW", H, D, "true", "aenert-2020-gwec-gwr2019",
    "DERIVED: 60.4 - 6.1 = 54.3 GW")
for y in [2015, 2016, 2017, 2018, 2020]:
    for t in ["onshore", "offshore"]:
        add("wind_additions_" + t, "WLD", y, "", "", "", "GW", H, X, "true", "gwec-global-wind-reports",
            "MISSING: GWEC onshore/offshore split for this year not found in texts read")
# --- wind: China ---------------------------------------------------------------------
add("wind_additions_total", "CHN", 2015, 30.8, "", "", "GW", H, R, "true", "gwec-2016-graphs",
    "GWEC GWR 2015 press text: 'no less than 30.8 GW'; IEEFA notes 30-32 GW depending on source/definition")
add("wind_additions_total", "CHN", 2016, 23, "", "", "GW", H, R, "true", "gwec-2017-fintrib-2016",
    "GWEC GWR 2016: China installed 23 GW")
add("wind_additions_total", "CHN", 2023, 75, 75, "", "GW", H, R, "true", "enerdata-2024-gwec-2023",
    "GWEC GWR 2024: 'over 75 GW' (lower bound), ~65% of world; onshore 69 + offshore 6.3")
add("wind_additions_onshore", "CHN", 2023, 69, "", "", "GW", H, R, "true", "mercom-2024-gwec-2023",
    "GWEC GWR 2024: record 69 GW onshore")
add("wind_additions_offshore", "CHN", 2023, 6.3, "", "", "GW", H, R, "true", "mercom-2024-gwec-2023",
    "GWEC GWR 2024: 6.3 GW offshore, 58% of world offshore; cumulative 38 GW")
add("wind_additions_total", "CHN", 2024, 86.7, "", "", "GW", H, R, "false", "wwea-2025-statistics",
    "WWEA preliminary 2024 statistics; not preferred vs GWEC 79.824 GW (embedded); WWEA method differs")
add("wind_additions_onshore", "CHN", 2024, "", "", "", "GW", H, X, "true", "gwec-global-wind-reports",
    "MISSING: GWEC 2024 China onshore/offshore split not found (China led both)")
add("wind_additions_offshore", "CHN", 2024, "", "", "", "GW", H, X, "true", "gwec-global-wind-reports",
    "MISSING: see onshore")
add("wind_additions_total", "CHN", 2025, 89, 89, "", "GW", H, E, "true", "gwec-2026-01-21-press",
    "lower bound: 89 GW installed by end-November 2025, 'on course to pass 100 GW' (GWEC 21 Jan 2026)")
# --- wind: Europe (WindEurope) ----------------------------------------------------
WE23, WE24 = "windeurope-2024-02-stats2023", "windeurope-2025-02-stats2024"
add("wind_additions_total", "EUR", 2023, 18.3, "", "", "GW", H, R, "true", WE23,
    "WindEurope 'Europe' (EU27 + UK, Norway, Türkiye, Serbia, Ukraine etc.), gross installations")
add("wind_additions_onshore", "EUR", 2023, 14.5, "", "", "GW", H, R, "true", WE23, "WindEurope Europe")
add("wind_additions_offshore", "EUR", 2023, 3.8, "", "", "GW", H, R, "true", WE23, "WindEurope Europe; record")
add("wind_additions_total", "EU27", 2023, 16.1, "", "", "GW", H, R, "true", WE23,
    "WindEurope 2023 statistics (evwind.es summary): record 16.1 GW; AA quotes 16.2 GW and WindEurope's January flash said 17 GW (14 onshore + 3 offshore) - preferred: final statistics report")
add("wind_additions_total", "EU27", 2023, 17, "", "", "GW", H, E, "false", "windeurope-2024-01-flash",
    "WindEurope January 2024 flash estimate (14 GW onshore + 3 GW offshore); superseded by the February statistics (16.1 GW)")
add("wind_additions_onshore", "EU27", 2023, 13.3, "", "", "GW", H, R, "true", WE23, "WindEurope")
add("wind_additions_offshore", "EU27", 2023, 2.8, "", "", "GW", H, R, "true", WE23, "WindEurope")
add("wind_additions_total", "EUR", 2024, 16.4, "", "", "GW", H, R, "true", WE24,
    "WindEurope 2024 statistics; same as GWEC's Europe figure")
add("wind_additions_onshore", "EUR", 2024, 13.8, "", "", "GW", H, R, "true", WE24, "WindEurope: 84% onshore")
add("wind_additions_offshore", "EUR", 2024, 2.6, "", "", "GW", H, R, "true", WE24, "WindEurope: 16% offshore")
add("wind_additions_onshore", "EU27", 2024, 11.5, "", "", "GW", H, R, "true", WE24, "WindEurope (total 12.9 GW is embedded)")
add("wind_additions_offshore", "EU27", 2024, 1.4, "", "", "GW", H, R, "true", WE24, "WindEurope")
add("wind_additions_total", "EUR", 2025, 16.5, "", "", "GW", H, E, "true", "gwec-2026-01-21-press",
    "GWEC preliminary (press release copy on pubt.io): 'Europe has delivered another 16.5 GW ... 5 GW more than installed in 2024' - internally inconsistent with 16.4 GW in 2024; preferred as the press-release copy, pending the final report")
add("wind_additions_total", "EUR", 2025, 22.5, "", "", "GW", H, E, "false", "gwec-2026-01-newsletter-copy",
    "same GWEC statement as forwarded in a mailing-list copy gives 22.5 GW; conflicts with 16.5 GW; not preferred (forwarded copy)")
for reg, on23, off23, on24, off24 in [
        ("DEU", 3.567, 0.329, 3.292, 0.730), ("GBR", 0.553, 0.833, 0.739, 1.178),
        ("FRA", 1.385, 0.360, 1.081, 0.658), ("ESP", 0.762, 0.002, 1.183, 0.0),
        ("SWE", 1.973, 0.0, 1.015, 0.0), ("POL", 1.157, 0.0, 0.805, 0.0),
        ("ITA", 0.525, 0.0, 0.685, 0.0), ("FIN", 1.278, 0.0, 1.414, 0.0)]:
    add("wind_additions_onshore", reg, 2023, on23, "", "", "GW", H, R, "true", WE23, "WindEurope country table 2023 (MW/1000)")
    add("wind_additions_offshore", reg, 2023, off23, "", "", "GW", H, R, "true", WE23, "WindEurope country table 2023 (MW/1000)")
    add("wind_additions_onshore", reg, 2024, on24, "", "", "GW", H, R, "true", WE24, "WindEurope country table 2024 (MW/1000)")
    add("wind_additions_offshore", reg, 2024, off24, "", "", "GW", H, R, "true", WE24, "WindEurope country table 2024 (MW/1000)")
    add("wind_additions_total", reg, 2023, round(on23 + off23, 3), "", "", "GW", H, D, "true", WE23,
        "DERIVED: onshore %s + offshore %s" % (on23, off23))
    add("wind_additions_total", reg, 2024, round(on24 + off24, 3), "", "", "GW", H, D, "true", WE24,
        "DERIVED: onshore %s + offshore %s" % (on24, off24))
add("wind_additions_onshore", "NLD", 2023, 0.527, "", "", "GW", H, R, "true", WE23, "WindEurope 2023")
add("wind_additions_offshore", "NLD", 2023, 1.906, "", "", "GW", H, R, "true", WE23, "WindEurope 2023; incl. Hollandse Kust Zuid")
add("wind_additions_onshore", "GRC", 2023, 0.543, "", "", "GW", H, R, "true", WE23, "WindEurope 2023")
add("wind_additions_onshore", "LTU", 2024, 0.522, "", "", "GW", H, R, "true", WE24, "WindEurope 2024")
add("wind_additions_total", "DEU", 2024, 3.2, "", "", "GW", H, R, "false", "wwea-2025-statistics",
    "WWEA 2024; not preferred vs WindEurope 4.022 GW (onshore+offshore gross); WWEA likely net/onshore-only")
add("wind_additions_total", "GBR", 2024, 2.2, "", "", "GW", H, R, "false", "wwea-2025-statistics",
    "WWEA 2024; not preferred vs WindEurope 1.917 GW")
# Türkiye
add("wind_additions_onshore", "TUR", 2024, 1.31007, "", "", "GW", H, R, "true", "tureb-2025-stats2024",
    "TÜREB Türkiye Wind Energy Statistics Report 2024: 1,310.07 MWm added; cumulative 13,792.5 MWm; all onshore; WindEurope gives 1,310 MW (agrees)")
add("wind_additions_offshore", "TUR", 2024, 0, "", "", "GW", H, R, "true", WE24, "WindEurope: Türkiye 0 MW offshore")
add("wind_additions_total", "TUR", 2023, "", "", "", "GW", H, X, "true", "tureb-2025-stats2024",
    "MISSING: TÜREB 2023 addition not found in texts read")
# Americas / India
add("wind_additions_onshore", "USA", 2022, 8.6, "", "", "GW", H, R, "true", "solarbaba-2023-gwec-gwr2023",
    "GWEC GWR 2023: US commissioned only 8.6 GW onshore in 2022")
add("wind_additions_onshore", "USA", 2023, 6.4, "", "", "GW", H, R, "true", "mercom-2024-gwec-2023",
    "GWEC GWR 2024: 6.4 GW onshore, lowest since 2014")
add("wind_additions_total", "USA", 2024, 4.2, "", "", "GW", H, R, "true", "wwea-2025-statistics",
    "WWEA 2024 (only figure found; GWEC ranks US 2nd but its MW not in texts read)")
add("wind_additions_total", "USA", 2025, 7, 7, "", "GW", H, E, "true", "gwec-2026-01-21-press",
    "lower bound: 'more than 7 GW of new capacity is expected' (GWEC preliminary, Jan 2026)")
add("wind_additions_total", "BRA", 2023, 4.8, "", "", "GW", H, R, "true", "enerdata-2024-gwec-2023",
    "GWEC GWR 2024: Brazil 4.8 GW, record for Latin America")
add("wind_additions_total", "BRA", 2024, 5.4, "", "", "GW", H, R, "true", "wwea-2025-statistics",
    "WWEA 2024: Brazil second-largest market (only figure found)")
add("wind_additions_total", "IND", 2015, 2.6, "", "", "GW", H, R, "true", "ieefa-2016-gwec-2015",
    "IEEFA on GWEC 2015: India fifth-largest, 2.6 GW; cumulative 25 GW")
add("wind_additions_total", "IND", 2022, 1.8, "", "", "GW", H, R, "true", "mercom-2024-gwec-2023",
    "Mercom India Research: 1.8 GW in 2022")
add("wind_additions_total", "IND", 2023, 2.8, "", "", "GW", H, R, "true", "mercom-2024-gwec-2023",
    "Mercom India Research: 2.8 GW (+56%); cumulative 44.7 GW")
add("wind_additions_total", "IND", 2024, 3.4, "", "", "GW", H, R, "true", "wwea-2025-statistics", "WWEA 2024")
add("wind_additions_total", "IND", 2025, 6.3, "", "", "GW", H, E, "true", "gwec-2026-01-21-press",
    "GWEC preliminary: national record 6.3 GW in 2025")
for reg in ["USA", "IND", "BRA", "GBR"]:
    for y in range(2015, 2022):
        add("wind_additions_total", reg, y, "", "", "", "GW", H, X, "true", "gwec-global-wind-reports",
            "MISSING: country addition for this year not found in texts read")
# wind outlooks
add("wind_additions_total", "WLD", 2030, 194, "", "", "GW", "GWEC Market Intelligence forecast (GWR 2025)", F, "true",
    "energymagz-2025-gwec-gwr2025", "GWEC GWR 2025: record installations each year, peaking at 194 GW in 2030; CAGR 8.8%")
add("wind_additions_cumulative", "WLD", 2030, 981, "", "", "GW", "GWEC Market Intelligence forecast (GWR 2025)", F, "true",
    "energymagz-2025-gwec-gwr2025", "GWR 2025: 981 GW to be added over 2025-2030 (year = end of period)")
add("wind_additions_cumulative", "WLD", 2030, 1210, "", "", "GW", "GWEC Market Intelligence forecast (GWR 2024)", F, "false",
    "thinkenergy-2024-gwec-gwr2024", "GWR 2024: 1,210 GW over 2024-2030 (7 years, not comparable with 981 GW over 6 years); superseded by GWR 2025")
add("wind_additions_total", "WLD", 2030, 320, 320, "", "GW", "COP28 tripling / 1.5C pathway requirement (GWEC GWR 2024)", F, "true",
    "thinkenergy-2024-gwec-gwr2024", "GWEC: annual installations must reach 'at least 320 GW' by 2030 - a requirement, not a forecast")
add("wind_additions_cumulative", "EUR", 2030, 186, "", "", "GW", "WindEurope outlook (Feb 2025)", F, "true", WE24,
    "WindEurope expects 186 GW new wind in Europe over 2025-2030; 75% onshore")
add("wind_additions_cumulative", "EU27", 2030, 139, "", "", "GW", "WindEurope outlook (Feb 2025)", F, "true", "stier-2025-windeurope",
    "WindEurope: 139 GW in the EU over 2025-2030")
add("wind_capacity_target", "TUR", 2035, 48, "", "", "GW", "TÜREB target", F, "true", "tureb-2025-stats2024",
    "TÜREB target: 5 GW/yr, 48,000 MW cumulative wind by 2035 (of 120,000 MW renewables); a target, not a forecast")
for scen in ["STEPS", "APS", "NZE"]:
    for y in [2030, 2035, 2040]:
        add("wind_additions_total", "WLD", y, "", "", "", "GW", scen + " (IEA WEO 2024/2025)", X, "true", "iea-weo-2024",
            "MISSING: IEA WEO wind capacity additions by scenario not found in texts read")
# --- industrial drivers -------------------------------------------------------------
IFR24, IFR25 = "ifr-2024-09-world-robotics", "ifr-2025-world-robotics"
add("robot_installations", "WLD", 2022, 552946, "", "", "units", H, R, "true", IFR24, "IFR World Robotics 2024: record 552,946")
add("robot_installations", "WLD", 2023, 541302, "", "", "units", H, R, "true", IFR24, "IFR World Robotics 2024; operational stock 4,281,585")
add("robot_installations", "WLD", 2024, 542000, "", "", "units", H, R, "true", IFR25,
    "IFR World Robotics 2025 (via Jagran Josh): 542,000; stock 4,664,000; Asia 74%, Europe 16%, Americas 9%")
add("robot_installations", "CHN", 2022, 290144, "", "", "units", H, R, "true", IFR24, "IFR")
add("robot_installations", "CHN", 2023, 276288, "", "", "units", H, R, "true", IFR24, "IFR: 51% of world")
add("robot_installations", "JPN", 2018, 55240, "", "", "units", H, R, "true", IFR24, "IFR")
add("robot_installations", "JPN", 2022, 50435, "", "", "units", H, R, "true", IFR24, "IFR")
add("robot_installations", "JPN", 2023, 46106, "", "", "units", H, R, "true", IFR24, "IFR: -9%")
add("robot_installations", "DEU", 2023, 28355, "", "", "units", H, R, "true", "ifr-2024-09-de-summary", "IFR via German news summary: record 28,355")
add("ac_production", "CHN", 2018, 149850500, "", "", "units", H, R, "true", "cheaa-2019-ac-2018",
    "air-conditioner industry output 149.8505 million (+4.4%) per CHEAA industry statistics (not NBS); exports 57.88 M")
add("ac_production", "CHN", 2023, 223340000, 223340000, "", "units", H, R, "true", "cheaa-2024-01-nbs",
    "lower bound for the year: NBS output Jan-Nov 2023 223.34 million (+12.6%); NBS and CHEAA series differ in scope")
add("ac_production", "WLD", 2024, "", "", "", "units", H, X, "true", "cheaa-2024-01-nbs", "MISSING: world AC production not found")
add("hdd_shipments", "WLD", 2024, "", "", "", "units", H, X, "true", "ifr-2025-world-robotics",
    "MISSING: HDD shipments not searched to a usable source (time limit); source_id is a placeholder for the README gap list")
add("industrial_motor_output", "CHN", 2024, "", "", "", "units", H, X, "true", "cheaa-2024-01-nbs",
    "MISSING: industrial motor output not found; source_id is a placeholder")

# ---------------------------------------------------------------------------
O = []


def out(metric, region, year, value, low, high, unit, scen, edition, status, pref, src, note):
    O.append(dict(metric=metric, region=region, year=year, value=value, low=low, high=high,
                  unit=unit, scenario=scen, edition=edition, status=status, preferred=pref,
                  source_id=src, note=note))


out("magnet_ree_demand_share_clean_energy", "WLD", 2015, 0.08, "", "", "fraction", H, "GCMO 2024", R, "true",
    "altenergy-forum-2024-iea-gcmo-p179", "GCMO 2024 p.179 (quoted): clean energy technologies' share of magnet REE demand 'just 8%' in 2015")
out("magnet_ree_demand_share_clean_energy", "WLD", 2023, 0.18, "", "", "fraction", H, "GCMO 2024", R, "true",
    "altenergy-forum-2024-iea-gcmo-p179", "GCMO 2024 p.179: 'nearly 18%' in 2023 (EV 7% of it is embedded)")
for ed, src in [("GCMO 2024", "iea-gcmo-2024"), ("GCMO 2025", "iea-gcmo-2025")]:
    for scen in ["STEPS", "APS", "NZE"]:
        for y in [2030, 2035, 2040]:
            if ed == "GCMO 2024" and scen == "APS" and y == 2030:
                continue  # 131 kt is embedded
            if ed == "GCMO 2025" and scen == "STEPS" and y == 2040:
                continue  # embedded already has this MISSING row
            out("magnet_ree_demand", "WLD", y, "", "", "", "kt", scen, ed, X, "true", src,
                "MISSING: tonnage not found in texts read (IEA Critical Minerals Data Explorer not reached)")
        for y in [2030, 2040]:
            for seg in ["ev", "wind"]:
                out("magnet_ree_demand_share_" + seg, "WLD", y, "", "", "", "fraction", scen, ed, X, "true", src,
                    "MISSING: sector share not found in texts read")
out("ree_demand_index_vs_2024", "WLD", 2030, 1.45, "", "", "ratio to 2024", "STEPS (Statista: 'baseline scenario')",
    "GCMO 2025", F, "true", "statista-2025-gcmo",
    "Statista chart of IEA GCMO 2025: rare earth demand +45% 2024-2030; scenario named 'baseline' by Statista, read as STEPS (IEA's base scenario) - not checked in the report; element scope not stated (magnet REEs likely)")
out("ree_demand_index_vs_2024", "WLD", 2040, 1.55, 1.5, 1.6, "ratio to 2024", "STEPS", "GCMO 2025", F, "true",
    "hotcopper-2025-iea-gcmo",
    "GCMO 2025 summary: cobalt and REE demand 'increasing 50-60% by 2040' from today (2024) in STEPS; value = midpoint; LOW RELIABILITY secondary")
out("ree_supply_coverage_ex_top_supplier", "WLD", 2035, 0.375, 0.35, 0.40, "fraction of demand", "STEPS", "GCMO 2025", F, "true",
    "hotcopper-2025-iea-gcmo",
    "GCMO 2025: without the largest supplier, remaining supply covers only 35-40% of 2035 demand (graphite and REE); midpoint; secondary")
out("repm_demand_share_ev_wind", "WLD", 2028, 0.56, "", "", "fraction", "Adamas Intelligence / Canaccord forecast", "", F, "true",
    "rainbow-re-market-page", "share of RE permanent magnet demand from EV drivetrains + wind rising from 'ca. one third' today to ~56% by 2028; company web page (Rainbow Rare Earths) citing Canaccord/Adamas")
out("magnet_share_of_ree_use", "WLD", 2022, 0.26, "", "", "fraction (volume)", H, "", R, "true", "rainbow-re-market-page",
    "Argus Media via Rainbow Rare Earths: permanent magnets ~26% of REE use by volume in 2022")
out("magnet_share_of_ree_value", "WLD", 2022, 0.74, "", "", "fraction (value)", H, "", R, "true", "rainbow-re-market-page",
    "Argus Media via Rainbow Rare Earths: ~74% by value in 2022")
out("magnet_share_of_ree_value", "WLD", 2040, 0.99, 0.99, "", "fraction (value)", "Argus Media forecast", "", F, "true", "rainbow-re-market-page",
    "Argus: '+99%' by value by 2040 (lower bound)")
out("ree_demand", "WLD", 2022, 171300, "", "", "t", H, "", R, "false", "globalx-ree-explained",
    "Global X ETFs: 171,300 t REE demand in 2022 (footnoted source not readable; oxide/metal basis not stated); not preferred vs embedded series")
out("ree_demand", "WLD", 2030, 240000, "", 240000, "t", "forecast cited by Global X ETFs", "", F, "true", "globalx-ree-explained",
    "'nearly 240,000 tons by 2030' (upper bound); underlying forecaster not named")

SOURCES = [
    ("iea-gevo-2024-data", "Global EV Data Explorer data set 2024 (Global EV Outlook 2024 data: EV sales, stock, shares, projections STEPS/APS to 2035)",
     "International Energy Agency", 2024, "https://www.iea.org/data-and-statistics/data-tools/global-ev-data-explorer",
     "GitHub copy: Kaulik2004/Global-EV-Sales-Analysis-and-Prediction-ARIMA-time-series-model- / 'IEA Global EV Data 2024.csv' (HEAD b39fe44)",
     "CC BY 4.0", "world 2023 BEV 9.5 M + PHEV 4.3 M = 13.8 M matches GEVO 2024 'neared 14 million', so the copy is taken as authentic"),
    ("iea-gevo-2024-outlook", "Global EV Outlook 2024 - Outlook for electric mobility", "International Energy Agency", 2024,
     "https://www.iea.org/reports/global-ev-outlook-2024/outlook-for-electric-mobility", "origin.iea.org copy", "CC BY 4.0", ""),
    ("iea-gevo-2024-2w3w", "Global EV Outlook 2024 - Trends in other light-duty electric vehicles", "International Energy Agency", 2024,
     "https://www.iea.org/reports/global-ev-outlook-2024/trends-in-other-light-duty-electric-vehicles", "", "CC BY 4.0", ""),
    ("iea-gevo-2025-trends", "Global EV Outlook 2025 - Trends in electric car markets", "International Energy Agency", 2025,
     "https://www.iea.org/reports/global-ev-outlook-2025/trends-in-electric-car-markets-2", "proxied copy (oszar.com)", "CC BY 4.0", ""),
    ("evfy-2025-gevo", "Over 25% of global car sales in 2025 are now electric", "evfy.in", 2025,
     "https://www.evfy.in/news/over-25-of-global-car-sales-in-2025-are-now-electric", "", "copyright; facts quoted", "secondary summary of GEVO 2025 plus Indian sales data"),
    ("gevo-2026-secondary", "IEA sees electric cars nearing 30 percent of sales (summary of Global EV Outlook 2026)", "nexus.tensorjetai.com", 2026,
     "https://nexus.tensorjetai.com/article/iea-sees-electric-cars-nearing-30-percent-of-sales", "", "copyright; facts quoted", "LOW RELIABILITY aggregator; GEVO 2026 original not reached"),
    ("acea-2025-01-fy2024", "New car registrations 2024 (ACEA full-year press release, Jan 2025)", "European Automobile Manufacturers' Association (ACEA)", 2025,
     "https://www.acea.auto/pc-registrations/", "eletric-vehicles.com; batteryindustry.net; commersant.ge; newsbulletin247.com", "copyright; facts quoted", "read via press coverage"),
    ("acea-2026-01-27-fy2025", "New car registrations: +1.8% in 2025; battery-electric 17.4% market share", "European Automobile Manufacturers' Association (ACEA)", 2026,
     "https://www.pubt.io/view/5EBAB55176EFC611365B1BCD88E6079615677587", "pubt.io distribution of the press release; sharecompare.co.uk (Sharecast)", "copyright; facts quoted", "27 Jan 2026"),
    ("eurostat-2025-07-30", "1.45 million new battery-only electric cars registered in EU in 2024 (Eurostat news)", "Eurostat (via The Sofia Globe)", 2025,
     "https://sofiaglobe.com/2025/07/30/eurostat1-45-million-new-battery-only-electric-cars-registered-in-eu-in-2024/", "sofiaglobe.com", "copyright; facts quoted", ""),
    ("caam-2025-01-13", "China's NEV production, sales surpass 12m each in 2024 (CAAM data)", "China Association of Automobile Manufacturers (via People's Daily / Jiji Press)", 2025,
     "http://en.people.cn/n3/2025/0114/c90000-20265719.html", "en.people.cn; news.infoseek.co.jp (Jiji)", "copyright; facts quoted", "total vehicle sales 31.436 M from Jiji"),
    ("thepolitician-2025-china-cars", "China's electric car sales rise in 2024 as gasoline car sales decline", "thepolitician.in", 2025,
     "https://thepolitician.in/chinas-electric-car-sales-rise-in-2024-as-gasoline-car-sales-decline", "", "copyright; facts quoted", "association not named in the excerpt"),
    ("odmd-2026-01-fy2025", "ODMD 2025 car sales by fuel type (AA report)", "Otomotiv Distribütörleri ve Mobilite Derneği (ODMD) via Anadolu Agency", 2026,
     "https://www.yeniasir.com.tr/ekonomi/2026/01/11/togg-rakiplerini-gecti", "yeniasir.com.tr; magazinozet.com", "copyright; facts quoted", "11 Jan 2026"),
    ("iesa-2026-01-vahan", "India's EV sales hit 2.3 million in 2025, market share rises to 8%", "India Energy Storage Alliance (Vahan data) via Zee News", 2026,
     "https://zeenews.india.com/auto/india-s-ev-sales-hit-2-3-million-in-2025-market-share-rises-to-8-3005996.html", "", "copyright; facts quoted", "12 Jan 2026"),
    ("autocarpro-2025-gevo-e2w", "Slowing sales of electric 2Ws in China masks strong growth in India", "Autocar Professional", 2025,
     "https://www.autocarpro.in/analysis-sales/slowing-sales-of-electric-2ws-in-china-masks-strong-growth-in-india-126894", "", "copyright; facts quoted", "IEA GEVO 2025 figures"),
    ("bizstandard-2024-india-e2w", "In EV penetration race, India's electric two-wheelers still in rearview", "Business Standard", 2024,
     "https://www.business-standard.com/industry/auto/in-ev-penetration-race-india-s-electric-two-wheelers-still-in-rearview-124100900924_1.html", "", "copyright; facts quoted", "IEA data"),
    ("daijiworld-2025-gevo", "India world's top market for electric three-wheelers: IEA Global EV Outlook 2025", "Daijiworld (with Inshorts summary)", 2025,
     "https://www.daijiworld.com/index.php/news/newsDisplay?newsID=1280942", "inshorts.com", "copyright; facts quoted", "19 May 2025"),
    ("redplanx-2024-e2w", "Global electric two-wheeler sales reach 67.4 million in 2023", "redplanx.com", 2024,
     "https://www.redplanx.com/html/news/3131978.html", "", "copyright; facts quoted", "LOW RELIABILITY; underlying source not named; broad scope incl. e-bicycles"),
    ("iea-gcmo-2024-outlook", "Global Critical Minerals Outlook 2024 - Outlook for key minerals", "International Energy Agency", 2024,
     "https://www.iea.org/reports/global-critical-minerals-outlook-2024/outlook-for-key-minerals", "origin.iea.org / prod.iea.org copies", "CC BY 4.0", ""),
    ("statista-2025-gcmo", "Global demand for critical minerals by technology type (chart on IEA GCMO 2025)", "Statista", 2025,
     "https://www.statista.com/chart/35397/global-demand-for-critical-minerals-lithium-cobalt-graphite-ree-by-technology-type", "", "copyright; facts quoted", "secondary chart of IEA data"),
    ("rainbow-re-market-page", "Driving the green transition (market page)", "Rainbow Rare Earths", 2024,
     "https://www.rainbowrareearths.com/market/driving-the-green-transition/", "", "copyright; facts quoted", "company page citing Argus Media, Canaccord Genuity, Adamas Intelligence; year approximate"),
    ("globalx-ree-explained", "Rare Earth Elements, Explained", "Global X ETFs Australia", 2023,
     "https://www.globalxetfs.com.au/rare-earth-elements-explained/", "", "copyright; facts quoted", "year approximate"),
    ("ieefa-2016-gwec-2015", "2015 wind installation record is another indicator of growing momentum", "IEEFA (reposted by GWEC)", 2016,
     "https://gwec.net/2015-wind-installation-record-is-another-indicator-of-growing-momentum-in-global-electricity-sector-transformation/", "gwec.net", "copyright; facts quoted", ""),
    ("ihs-2016-wind-2015", "Global wind installations hit 61.8GW in 2015: IHS", "IHS (reposted by GWEC)", 2016,
     "https://gwec.net/global-wind-installations-hit-61-8gw-2015-ihs/", "gwec.net", "copyright; facts quoted", ""),
    ("gwec-2016-graphs", "Global statistics / graphs (Global Wind Report 2015 launch text)", "Global Wind Energy Council (GWEC)", 2016,
     "http://www.gwec.net/global-figures/graphs/", "", "copyright; facts quoted", ""),
    ("gwec-2017-fintrib-2016", "China leading global wind energy market (Financial Tribune on GWEC GWR 2016)", "GWEC (repost of Financial Tribune)", 2017,
     "https://gwec.net/china-leading-global-wind-energy-market/", "gwec.net", "copyright; facts quoted", ""),
    ("cleantechnica-2018-gwec-2017", "Global wind installations reach 52.5 gigawatts in 2017", "CleanTechnica", 2018,
     "https://cleantechnica.com/tag/global-wind-capacity/", "", "copyright; facts quoted", "tag-page excerpt; GWEC statistics"),
    ("aenert-2020-gwec-gwr2019", "Global Wind Report 2019: over 60 GW of wind energy capacity installed in 2019", "AENERT (on GWEC GWR 2019)", 2020,
     "https://aenert.com/news-events/energy-news-monitoring/n/global-wind-report-2019-over-60-gw-of-wind-energy-capacity-installed-in-2019/", "", "copyright; facts quoted", "also saurenergy.com"),
    ("solarbaba-2023-gwec-gwr2023", "GWEC The Global Wind Report 2023", "SolarBaba (on GWEC GWR 2023)", 2023,
     "https://www.solarbaba.com/gwec-the-global-wind-report-2023/", "", "copyright; facts quoted", ""),
    ("enerdata-2024-gwec-2023", "Global wind installations reached record high in 2023 with 117 GW added", "Enerdata (on GWEC GWR 2024)", 2024,
     "https://www.enerdata.net/publications/daily-energy-news/global-wind-installations-reached-record-high-2023-117-gw-added.html", "", "copyright; facts quoted", ""),
    ("mercom-2024-gwec-2023", "Global wind installations reached 1 TW milestone in 2023", "Mercom India (on GWEC GWR 2024)", 2024,
     "https://mercomindia.com/global-wind-installations-2023", "", "copyright; facts quoted", "17 Apr 2024; India figures from Mercom India Research"),
    ("gwec-2026-01-newsletter-copy", "GWEC statement on 2025 installations (mailing-list copy)", "GWEC via REVietnam Google group", 2026,
     "https://groups.google.com/g/REVietnam/c/QtZ3CWZCKQQ", "", "copyright; facts quoted", "forwarded copy; differs from the pubt.io press-release copy on Europe"),
    ("windeurope-2024-02-stats2023", "Wind energy in Europe: 2023 statistics and the outlook for 2024-2030", "WindEurope", 2024,
     "https://windeurope.org/intelligence-platform/product/wind-energy-in-europe-2023-statistics-and-the-outlook-for-2024-2030/",
     "evwind.es summary (11 Mar 2024); aa.com.tr; studylib.net copy of the report", "copyright; facts quoted", ""),
    ("windeurope-2024-01-flash", "EU adds 17 GW of new wind energy in 2023 (WindEurope flash)", "WindEurope via OE Digital / Serbia Energy", 2024,
     "https://www.oedigital.com/news/510741-eu-adds-17gw-of-new-wind-energy-in-2023", "serbia-energy.eu", "copyright; facts quoted", "12 Jan 2024"),
    ("windeurope-2025-02-stats2024", "Wind energy in Europe: 2024 statistics and the outlook for 2025-2030", "WindEurope", 2025,
     "https://windeurope.org/intelligence-platform/product/wind-energy-in-europe-2024-statistics-and-the-outlook-for-2025-2030/",
     "evwind.es summaries (28 Feb, 11-12 Mar 2025; AA)", "copyright; facts quoted", ""),
    ("stier-2025-windeurope", "Building more wind is key to deliver the EU Clean Industrial Deal (WindEurope)", "WindEurope via REVE / stier.es", 2025,
     "https://stier.es/building-more-wind-is-key-to-deliver-the-eu-clean-industrial-deal", "", "copyright; facts quoted", ""),
    ("tureb-2025-stats2024", "Türkiye Rüzgar Enerjisi İstatistik Raporu 2024", "Türkiye Rüzgar Enerjisi Birliği (TÜREB)", 2025,
     "https://www.fuardergisi.com.tr/turkiye-ruzgarda-14-bin-mw-sinirina-dayandi", "fuardergisi.com.tr; habergercek.com", "copyright; facts quoted", ""),
    ("energymagz-2025-gwec-gwr2025", "GWEC Global Wind Report 2025 coverage (117 GW in 2024; 981 GW to 2030)", "EnergyMagz", 2025,
     "https://energymagz.com/?p=35247", "", "copyright; facts quoted", ""),
    ("thinkenergy-2024-gwec-gwr2024", "Global Wind Report: record 117GW of new capacity in 2023", "Think Energy Media (on GWEC GWR 2024)", 2024,
     "https://thinkenergymedia.com/global-wind-report-global-wind-industry-installed-a-record-117gw-of-new-capacity-in-2023", "jhcomposites.com", "copyright; facts quoted", ""),
    ("iea-weo-2024", "World Energy Outlook 2024", "International Energy Agency", 2024, "https://www.iea.org/reports/world-energy-outlook-2024",
     "", "CC BY 4.0", "cited only for MISSING rows (wind additions by scenario not found)"),
    ("ifr-2024-09-world-robotics", "Record 4 million robots on factory floors worldwide - World Robotics 2024", "International Federation of Robotics (IFR)", 2024,
     "https://www.wallstreet-online.de/nachricht/18523678-record-4-million-robots-on-factory-floors-worldwide-world-robotics-2024-report-by-international-federation-of-robotics-released-foto",
     "wallstreet-online.de (ots); businessdailymedia.com", "copyright; facts quoted", "24 Sep 2024"),
    ("ifr-2024-09-de-summary", "China zieht bei Roboterdichte an Deutschland vorbei (IFR)", "IFR via German news wire (gopher proxy copy)", 2024,
     "https://phroot.kroovy.de/gopherproxy/?q=gopher.leitzahl.de%2F0%2Fnews%2Febe75bab36d603a80b0099465a4e621fafbfcf0a.txt", "", "copyright; facts quoted", "year approximate"),
    ("ifr-2025-world-robotics", "Top countries by annual industrial robot installations (IFR World Robotics 2025)", "IFR via Jagran Josh", 2026,
     "https://orgusjosh3091.jagranjosh.com/general-knowledge/top-countries-by-annual-industrial-robot-installations-1820006515-1", "", "copyright; facts quoted", ""),
    ("cheaa-2019-ac-2018", "Chinese air conditioner industry production 2018", "China Household Electrical Appliances Association (CHEAA)", 2019,
     "http://en.cheaa.org/contents/476/8451.html", "", "copyright; facts quoted", ""),
    ("cheaa-2024-01-nbs", "Home appliances output in China, first 11 months of 2023 (NBS data, Xinhua)", "CHEAA (Xinhua / National Bureau of Statistics)", 2024,
     "https://en.cheaa.org/contents/476/10878.html", "", "copyright; facts quoted", "7 Jan 2024"),
]


def write(path, cols, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: fmt(r.get(c, "")) if not isinstance(r.get(c, ""), str) else r.get(c, "")
                        for c in cols})


def main():
    rows = iea_rows() + M
    have = {(r["driver"], r["region"], int(r["year"]), r["scenario"]) for r in rows
            if r["status"] != "missing"}
    rows = [r for r in rows if not (r["status"] == "missing" and
            (r["driver"], r["region"], int(r["year"]), r["scenario"]) in have)]
    rows.sort(key=lambda r: (r["driver"], r["region"], int(r["year"]), r["scenario"]))
    write(os.path.join(HERE, "drivers.csv"), DRV_COLS, rows)
    write(os.path.join(HERE, "outlooks.csv"), OUT_COLS, O)
    write(os.path.join(HERE, "sources.csv"), SRC_COLS,
          [dict(zip(SRC_COLS, s)) for s in SOURCES])
    print(len(rows), len(O), len(SOURCES))


if __name__ == "__main__":
    main()
