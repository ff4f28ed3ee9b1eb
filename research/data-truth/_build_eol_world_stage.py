"""Writes eol_rir_eu.csv and world_stage_output.csv (research/data-truth) and validates them.

Run: python3 _build_eol_world_stage.py   -> prints OK with row counts.
Every number below is copied from a source named in its row, or DERIVED with the formula in the note.
"""
import csv, os

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- EoL-RIR
S17 = "eu-crm-2017-criticality-assessments"
C17 = ("Deloitte Sustainability, BGS, BRGM, TNO for European Commission DG GROW (June 2017), "
       "'Study on the review of the list of Critical Raw Materials - Criticality Assessments', "
       "Publications Office of the EU, ISBN 978-92-79-47937-3, doi:10.2873/876644")
A17 = ("https://doi.org/10.2873/876644 (read in the copy 'EU CRM pdf copies/CRM 2017.pdf', GitHub "
       "erikemilsson/EU-Critical-Raw-Materials-CRM-Reports-Datasets, commit b800cf45a91e4adeae242ef4a7e0e1b7992b9346; "
       "text extracted with pypdf)")
T3 = "Table 3 'Criticality assessment results', pp. 33-35 (report page numbers)"
T21 = "Table 21 'Individual and average EI and SR scores for material groups', Annex 5, p. 84"
DEF17 = ("2017 definition (glossary p. 32): share of EU supply of the raw material that comes from "
         "functional recycling of old (post-consumer) scrap; new/process scrap excluded.")

eol = []
def e(material, year, pct, low, high, sid, cit, addr, page, note):
    eol.append(dict(material=material, study_year=year, eol_rir_pct=pct, low=low, high=high,
                    source_id=sid, citation=cit, address=addr, page_or_table=page, note=note))

# 2017 group averages
e("LREE", 2017, 3, "", "", S17, C17, A17, T3 + "; repeated in " + T21,
  "Group average for LREEs (Ce, La, Nd, Pr, Sm), extraction stage; IR 100%, SR 5.0, EI 3.6. "
  "Check (DERIVED): mean of the five element values (1+1+1+10+1)/5 = 2.8 -> 3, so the group figure is an "
  "unweighted mean of element EoL-RIRs. " + DEF17)
e("HREE", 2017, 8, "", "", S17, C17, A17, T3 + "; repeated in " + T21,
  "Group average for HREEs (Dy, Er, Eu, Gd, Ho, Lu, Tb, Tm, Yb, Y), extraction stage; IR 100%, SR 4.9, EI 3.7. "
  "Check (DERIVED): (0+1+38+1+1+1+6+1+1+31)/10 = 8.1 -> 8; driven by Eu (38%) and Y (31%) from lamp "
  "phosphor recycling, magnet elements Dy 0%, Tb 6%. " + DEF17)
e("Sc", 2017, 0, "", "", S17, C17, A17, T3 + " (row 'Scandium', processing stage)",
  "Scandium assessed at processing stage; IR 100%, SR 2.9, EI 3.7, global supply only. " + DEF17)
el = [("Ce", 1, "Cerium"), ("La", 1, "Lanthanum"), ("Nd", 1, "Neodymium"), ("Pr", 10, "Praseodymium"),
      ("Sm", 1, "Samarium"), ("Dy", 0, "Dysprosium"), ("Er", 1, "Erbium"), ("Eu", 38, "Europium"),
      ("Gd", 1, "Gadolinium"), ("Ho", 1, "Holmium"), ("Lu", 1, "Lutetium"), ("Tb", 6, "Terbium"),
      ("Tm", 1, "Thulium"), ("Yb", 1, "Ytterbium"), ("Y", 31, "Yttrium")]
for sym, pct, name in el:
    grp = "LREE" if sym in ("Ce", "La", "Nd", "Pr", "Sm") else "HREE"
    e(sym, 2017, pct, "", "", S17, C17, A17, T3 + f" (row '{name}'); same value in " + T21,
      f"Element-level value, {grp} group, extraction stage, IR 100%. " + DEF17)

# 2014: definition only
S14 = "eu-crm-2014-ahwg-report"
C14 = ("European Commission DG ENTR, 'Report on Critical Raw Materials for the EU - Report of the Ad hoc Working "
       "Group on defining critical raw materials' (May 2014), Ref. Ares(2015)1819503")
A14 = ("copy 'EU CRM pdf copies/CRM 2014.pdf', GitHub erikemilsson/EU-Critical-Raw-Materials-CRM-Reports-Datasets, "
       "commit b800cf45a91e4adeae242ef4a7e0e1b7992b9346")
for m in ("HREE", "LREE", "Sc"):
    e(m, 2014, "", "", "", S14, C14, A14, "p. 17 (definition); p. 27-28 (data source: UNEP 2011)",
      "MISSING: the 2014 main report defines EoL-RIR as the share of metal produced from end-of-life scrap "
      "WORLDWIDE (not EU) and takes recycling data mainly from UNEP (2011), but prints no per-material value; "
      "the values are in the separate 2014 material profiles/annex, not found in any stored source. "
      "Not comparable with 2017+ (EU-level) values.")

# 2020: not found
S20 = "eu-crm-2020"
C20 = ("European Commission (Blengini, G.A. et al.) 2020, 'Study on the EU's list of Critical Raw Materials (2020) - "
       "Final Report' and factsheets; COM(2020) 474 final (3 Sep 2020)")
A20 = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52020DC0474 (Communication; study PDF not stored)"
for m in ("HREE", "LREE", "Sc"):
    e(m, 2020, "", "", "", S20, C20, A20, "results table / factsheets - NOT retrieved",
      "MISSING: not in any stored source (pages, code, docs corpora searched for the 2020 results table, "
      "factsheets and the COM(2020) 474 annex; the GitHub copy of the 2020 study PDF is an absent large "
      "file). UNVERIFIED hint in shared/reference-data/eu_crm_2023.csv: HREE ~8%, LREE ~3% (the same as "
      "2017) - not adopted.")

# 2023: not found
S23 = "eu-crm-2023"
C23 = ("European Commission DG GROW (Grohol, M. & Veeh, C.) 2023, 'Study on the critical raw materials for "
       "the EU 2023 - Final report' (with SCRREEN2 factsheets)")
A23 = "https://data.europa.eu/doi/10.2873/725585"
N23 = ("MISSING: the 2023 value is truly not in any stored source. Searched: pages/docs/code corpora "
       "(EoL-RIR, EOL-RIR, SCRREEN2 factsheets, RMIS profiles, Eurostat cei_srm010, COM(2023) 160/165, "
       "Regulation (EU) 2024/1252 annexes), find_string on table-row strings, and the GitHub copy of the 2023 "
       "report (erikemilsson repo: 'CRM 2023.pdf' is an absent large file; its CSV transcriptions cover "
       "Appendix 6-7 only, no EoL-RIR). Rejected: a GitHub seed file labelled 'CRM 2024' gives LREE 3.0 / "
       "HREE 1.0 with SR 6.8/7.2 and EI 5.5/5.8 that match no EU edition (2023: LREE SR 3.7 EI 5.9; HREE SR "
       "5.1 EI 4.2), so it is not a transcription. UNVERIFIED hint (~1% for both groups) in "
       "shared/reference-data/eu_crm_2023.csv. Use the 2017 values (latest found) with this caveat.")
for m in ("HREE", "LREE", "Sc"):
    e(m, 2023, "", "", "", S23, C23, A23, "Final report results table / SCRREEN2 factsheets - NOT retrieved", N23)

# supporting statements (not the criticality indicator)
e("REE (all)", 2024, "", "", 1, "reuters-2024-06-27-eu-rare-earths-crma",
  "Reuters (27 Jun 2024), report on the EU's Critical Raw Materials Act goals for rare earths, as quoted by "
  "Critical Minerals Association ('Recycling to kick in as long-term solution to EU rare earths challenge')",
  "https://www.criticalmineralsassociation.com/post/recycling-to-kick-in-as-long-term-solution-to-eu-rare-earths-challenge",
  "news text (Reuters date 27 June; year 2024 inferred from 'the Critical Raw Materials Act that entered into force last month')",
  "'less than 1% of rare earths consumed in the EU are recycled today' -> upper bound 1 (high). A recycled "
  "share of EU consumption stated by a news agency, not the EU EoL-RIR indicator; consistent with the "
  "magnet-element values (Nd 1%, Dy 0%) but not with the 2017 HREE group 8% (which is lifted by Eu and Y).")
e("strategic raw materials (incl. REE)", 2024, "", "", "", "reg-eu-2024-1252-crma",
  "Regulation (EU) 2024/1252 (Critical Raw Materials Act), Art. 5(1)(a)(iii) benchmark, as summarised by "
  "evertiq.com (1 Aug 2024) and specchemonline.com (in shared/reference-data/eu_crm_2023.csv)",
  "https://eur-lex.europa.eu/eli/reg/2024/1252/oj (not read directly)",
  "Art. 5 benchmarks; Annexes I-II list the materials only",
  "NOT an EoL-RIR: the CRMA sets a 2030 benchmark that EU recycling capacity can produce 25% of EU annual "
  "consumption of strategic raw materials (TARGET, forward-looking). Its annexes list strategic/critical "
  "materials without recycling-rate figures (annex text not read directly).")
e("REE groups", 2023, "", "", "", "jrc-rmis",
  "European Commission JRC, Raw Materials Information System (RMIS), material profiles / CRM factsheets",
  "https://rmis.jrc.ec.europa.eu/", "not retrieved",
  "MISSING: no stored RMIS profile text for LREE/HREE/Sc with an EoL-RIR was found (only a secondary quote of "
  "the Dy profile's mine-production figures, in shared/reference-data/hree-market). Eurostat cei_srm010 "
  "republishes EC EoL-RIR values (metadata read; data table not stored).")

# ---------------------------------------------------------------- world stage output
rows = []
def r(stage, scope, year, value, low, high, unit, basis, status, sid, cit, addr, note):
    rows.append(dict(stage=stage, scope=scope, year=year, value=value, low=low, high=high, unit=unit,
                     basis=basis, status=status, source_id=sid, citation=cit, address=addr, note=note))

ARGUS = ("argus-viewpoint-china-re-tough-2025", "Argus Media, 'Viewpoint: China's rare earth sector faces tough 2025' "
         "(c. Dec 2024/Jan 2025; ACREI magnet branch data and Chinese market participants)",
         "https://www.argusmedia.com/metals-platform/newsandanalysis/article/2641705-Viewpoint--China-s-rare-earth-sector-faces-tough-2025")
SMM = ("smm-2024-06-05-ndfeb-production", "SMM (Shanghai Metals Market), 'NdFeB Production to Continue Rising in 2024' "
       "(5 Jun 2024; analyst Liu Hao at the 30 May 2024 SMM forum)",
       "https://news.metal.com/newscontent/102788751/smm-ndfeb-production-to-continue-rising-in-2024-outlook-for-rare-earth-demand-in-automobiles-wind-power-and-home-appliances")
CSRE = ("kinzokufocus-2024-10-csre-ndfeb", "kinzokufocus.com (Oct 2024), Japanese summary of China Society of Rare "
        "Earths adviser Zhang Anwen", "https://kinzokufocus.com/2024/10/ndfeb.html")
MIIT = ("horizonmagnets-2022-china-ndfeb-2021", "Horizon Magnets blog (2022), 'China NdFeB Magnet Output and Market "
        "in 2021...', citing MIIT data", "https://www.horizonmagnets.com/blog/china-ndfeb-magnet-output-and-market-in-2021-interests-downstream-application-manufacturers/")
RIZ = ("rizinia-china-ndfeb-market-2023", "Rizinia (magnet maker) blog (c. 2023), 'Analysis of the current situation "
       "and future development trend of China's NdFeB market'",
       "https://www.rizinia.com/analysis-of-the-current-situation-and-future-development-trend-of-chinas-neodymium-iron-boron-market.html")
ADA23 = ("adamas-2023-05-magnet-outlook-2040", "Adamas Intelligence, 'Rare Earth Magnet Market Outlook to 2040' "
         "(announcement May 2023), via Green Car Congress (6 May 2023) and fevanutrition.com",
         "https://www.greencarcongress.com/2023/05/20230506-adamas.html")
ADA24 = ("adamas-2024-q3-magnet-outlook-2040", "Adamas Intelligence, 'Rare Earth Magnet Market Outlook to 2040' "
         "(published Q3 2024), report page", "https://adamasintel.com/rare-earth/rare-earth-magnet-market-outlook-to-2040")
ADA22 = ("adamas-2022-04-magnet-outlook-2035", "Adamas Intelligence, 'Rare Earth Magnet Market Outlook to 2035', via "
         "Green Car Congress (20 Apr 2022)", "https://www.greencarcongress.com/2022/04/20220420-adamas.html")
MACRO = ("macropolo-2024-05-23-magnet-crunch", "MacroPolo, 'The Permanent Magnet Supply Crunch That Wasn't' (23 May 2024)",
         "https://macropolo.org/analysis/the-permanent-magnet-supply-crunch-that-wasnt")
IEA94 = ("rareearthexchanges-2025-10-24-iea-mineral-chessboard", "Rare Earth Exchanges (24 Oct 2025) reporting IEA "
         "commentary of 23 Oct 2025 (permanent-magnet manufacturing ~94% China)", "rareearthexchanges.com")
STAN = ("stanford-ph240-2025-ye-magnets", "J. Ye, Stanford PH240 coursework (2025), China ~92% of NdFeB magnets "
        "(secondary)", "http://large.stanford.edu/courses/2025/ph240/")
WM = ("woodmac-2023-08-global-rare-earths-short-term-outlook", "Wood Mackenzie, 'Global rare earths short-term outlook "
      "August 2023' (report summary page)", "https://www.woodmac.com/reports/metals-global-rare-earths-short-term-outlook-august-2023-150157105/")
MET = ("metalnomist-2024-08-increased-supplies", "Metalnomist (Aug 2024), 'Increased supplies and weak demand'",
       "https://metalnomist.com/2024/08/increased-supplies-and-weak-demand.html")
ARGR = ("argus-2025-china-recycled-output", "Argus Media (2025), 'China's recycled rare earth output falls in 2024' "
        "(Ji'an Xintai chairman Liu Weihua)", "argusmedia.com (2025)")
LYN = ("lynas-annual-reports-fy2019-fy2025", "Lynas Rare Earths Annual Reports, production tables (FY to 30 Jun)",
       "https://lynasrareearths.com (annual reports)")
MP = ("mp-materials-10k-2025", "MP Materials Corp. Form 10-K (KPI tables)", "https://www.sec.gov (MP Materials, CIK 1801368)")

EMB = "[IN EMBEDDED production.csv] "
PDT = "[IN data-truth/production_rows.csv, NOT in embedded] "
NEW = "[NEW] "

# --- separation, world TREO
for y in (2020, 2021, 2022, 2023, 2024):
    r("separation", "WLD", y, "", "", "", "t REO", "TREO, separated oxides/compounds", "missing", WM[0], WM[1], WM[2],
      (EMB if y >= 2023 else PDT) + "MISSING: no world separated (refined) TREO tonnage found for this year. Sources give only China's share "
      "(Roskill 85% in 2020; Wood Mackenzie 86% in 2023, all REO; IEA 92% in 2023 / ~91% in 2024, magnet REEs) and "
      "China publishes only the separation QUOTA (domestic ore), not output. Searched: Adamas, Roskill/WoodMac, IEA "
      "GCMO 2024/2025, USGS MCS, Benchmark, CRU, ACREI/CSRE, SMM (English and Chinese queries).")
r("separation", "WLD", 2027, 292800, "", "", "t REO", "TREO, refined supply", "projection", WM[0], WM[1], WM[2],
  EMB + "FORECAST (Aug 2023): global refined REO supply in 2027 at a 7.5% CAGR. The base year of the CAGR is not "
  "stated, so no 2022/2023 value is back-calculated.")
# --- separation, China TREO: quota context + missing output
Q = [(2020, 135000, "smm-2022-01-06-quota-review", "SMM (6 Jan 2022), 'Rare Earth Ore Mining Quota Review in 2021'", "https://news.metal.com (6 Jan 2022)"),
     (2021, 162000, "reuters-2021-09-30-quotas", "Reuters (30 Sep 2021), 'China hikes 2021 rare earth quotas by 20% year on year', via National Post", "National Post (30 Sep 2021)"),
     (2022, 202000, "giti-2022-quota-h2", "GITI, 'China's Rare Earth Quota H2 2022'", "giti.sg"),
     (2023, 243850, "fastmarkets-2024-01-29-cnre", "Fastmarkets (29 Jan 2024), China Northern Rare Earth results (2023 separation quota 243,850 t, +20.72% y/y)", "fastmarkets.com (29 Jan 2024)"),
     (2024, 254000, "starfeu-2024-quota", "starfeu.com (2024), Reuters-based report on MIIT's second 2024 quota batch (mining 270,000 t, separation 254,000 t)", "starfeu.com (2024)")]
for y, v, sid, cit, addr in Q:
    r("separation_quota", "CHN", y, v, "", "", "t REO (quota cap)", "TREO, domestic-ore smelting & separation quota",
      "observed", sid, cit, addr,
      "[IN EMBEDDED policies.csv] CONTEXT, NOT OUTPUT: MIIT/MNR smelting & separation quota for domestic ore. "
      "Separation of imported feed (Myanmar, USA, Laos, Malaysia) and of recycled magnet scrap is outside the "
      "quota, so China's actual separated output is higher than this cap; actual output is not published.")
for y in (2020, 2021, 2022, 2023, 2024):
    r("separation", "CHN", y, "", "", "", "t REO", "TREO, separated oxides", "missing", ARGR[0], ARGR[1], ARGR[2],
      ("[IN EMBEDDED for 2023-2024] " if y >= 2023 else NEW) +
      "MISSING: no reported national total of separated REO. Known parts: the quota row (domestic ore cap); REO "
      "recovered from NdFeB scrap 39,662 t (2023) and 34,147 t (2024) (Argus); imported feed not quantified.")
# --- separation, Pr+Nd
r("separation", "CHN", 2024, 106000, "", "", "t PrNd oxide", "Pr+Nd oxide (taken as REO)", "estimate",
  ARGUS[0], ARGUS[1], ARGUS[2],
  PDT + "PREFERRED. Argus citing market participants: China's PrNd oxide output 'around 106,000t' in 2024 "
  "(consumption ~96,000 t). Includes oxide from recycled magnet scrap (26,504 t PrNd oxide in 2024, Argus) and "
  "from imported feed. Made near year-end, so an estimate, not a final statistic.")
r("separation", "CHN", 2024, 92004, 91004, 93004, "t PrNd oxide", "Pr+Nd oxide", "forecast",
  MET[0] + ";" + ARGR[0], MET[1] + "; " + ARGR[1], MET[2],
  NEW + "NOT PREFERRED (forecast made Aug 2024, parts from two sources). DERIVED: Metalnomist forecast 44,500-45,500 t "
  "from quota ore + 20,000-21,000 t from imported feed, plus Argus actual 26,504 t from scrap: low = 44,500+20,000+26,504 "
  "= 91,004; high = 45,500+21,000+26,504 = 93,004; value = midpoint. ~13% below Argus's 106,000 t; the gap is not "
  "explained by the sources.")
r("separation", "CHN", 2023, "", 71730, "", "t PrNd oxide", "Pr+Nd oxide", "missing",
  MET[0] + ";" + ARGR[0], MET[1] + "; " + ARGR[1], MET[2],
  NEW + "MISSING as a national total; low = DERIVED lower bound 40,000 (PrNd oxide from domestic quota ore, Metalnomist) "
  "+ 31,730 (from magnet scrap, Argus) = 71,730 t; omits oxide from imported feed (not given for 2023).")
r("separation", "WLD", 2022, 90000, "", "", "t PrNd oxide", "Pr+Nd (didymium) oxide or oxide equivalent, primary + secondary",
  "estimate", ADA23[0], ADA23[1], ADA23[2],
  PDT + "APPROXIMATE: Adamas' 2040 didymium-oxide undersupply of 90,000 t/yr is 'roughly equal to last year's [2022] "
  "total global primary plus secondary production'. Includes recycled oxide.")
r("separation", "WLD", 2024, "", 112949, "", "t PrNd oxide", "Pr+Nd oxide", "missing",
  ARGUS[0] + ";" + LYN[0] + ";" + MP[0], ARGUS[1] + "; " + LYN[1] + "; " + MP[1], ARGUS[2],
  PDT + "MISSING as a total; low = DERIVED lower bound 106,000 (China, Argus) + 5,655 (Lynas Malaysia, FY to Jun 2024) "
  "+ 1,294 (MP Materials, 2024) = 112,949 t; omits Vietnam, Estonia, India, Japan; mixes fiscal and calendar years.")
# --- metal
r("metal", "CHN", 2024, 88000, "", "", "t PrNd metal", "Pr+Nd metal/alloy", "estimate", ARGUS[0], ARGUS[1], ARGUS[2],
  PDT + "PREFERRED (only value). Argus citing market participants: China's PrNd metal output 'around 88,000t' in 2024 "
  "(consumption ~80,000 t). Covers PrNd only, not all RE metals.")
for y in (2020, 2021, 2022, 2023):
    r("metal", "CHN", y, "", "", "", "t metal", "all RE metals", "missing", "smm-2022-08-09-prnd-output",
      "SMM (9 Aug 2022), 'Output of Pr-Nd Oxide and Pr-Nd Metal Dropped in July amid the Weak Demand'",
      "https://news.metal.com/newscontent/101913532/Output-of-Pr-Nd-Oxide-and-Pr-Nd-Metal-Dropped-in-July-amid-the-Weak-Demand",
      ("[IN EMBEDDED for 2023] " if y == 2023 else NEW) +
      "MISSING: no annual RE-metal tonnage found. SMM publishes monthly PrNd metal output only (e.g. 4,895 t in Jul 2022; "
      "an SMM monthly report reproduced by atechmagnet.cn gives 5,994 t PrNd alloy in a June, year not shown); 12 x one "
      "month is not used.")
for y in (2020, 2021, 2022, 2023, 2024):
    r("metal", "WLD", y, "", "", "", "t metal", "all RE metals / PrNd metal", "missing", "inn-lcm-metal-alloy-western-world",
      "Innovation News Network (undated), Less Common Metals feature (Reuters quote: China ~95% of RE metal supply)",
      "innovationnewsnetwork.com",
      (EMB if y >= 2023 else PDT) + "MISSING: no world rare-earth metal or PrNd-metal tonnage found. Shares only: China ~90% of RE metals "
      "(Visual Capitalist 2024), 94% of magnet RE metals (2022, low reliability), 'China controls 95%' (Reuters, undated). "
      "Adamas' 2040 outlook covers metal production 2015-2023 but the public page gives no tonnage.")
# --- magnets, China
r("magnet", "CHN", 2020, 186000, "", "", "t magnet", "NdFeB (sintered + bonded presumably)", "estimate", RIZ[0] + ";" + MIIT[0],
  RIZ[1] + "; cross-check " + MIIT[1], RIZ[2],
  EMB + "LOW RELIABILITY (vendor blog): 'China's Nd-Fe-B production has reached 186,000t' in 2020, >90% of global. "
  "Cross-check DERIVED: MIIT 2021 total 216,500 / 1.164 = 185,997 t, which agrees.")
r("magnet", "CHN", 2021, 216500, "", "", "t magnet", "NdFeB sintered blanks + bonded", "observed", MIIT[0], MIIT[1], MIIT[2],
  EMB + "MIIT data: sintered 207,100 t + bonded 9,400 t = 216,500 t, +16.4% y/y. Blanks (pre-machining).")
r("magnet_sintered", "CHN", 2021, 207100, "", "", "t magnet", "sintered NdFeB blanks", "observed", MIIT[0], MIIT[1], MIIT[2],
  NEW + "Split row of the 216,500 t total (was only in the embedded note).")
r("magnet_bonded", "CHN", 2021, 9400, "", "", "t magnet", "bonded NdFeB", "observed", MIIT[0], MIIT[1], MIIT[2],
  NEW + "Split row of the 216,500 t total (was only in the embedded note).")
r("magnet", "CHN", 2022, 210526, "", "", "t magnet", "RE permanent magnets (predominantly NdFeB), SMM series", "estimate",
  SMM[0], SMM[1], SMM[2],
  NEW + "DERIVED: SMM 2023 'about 240,000 t, up 14% YoY' -> 2022 = 240,000 / 1.14 = 210,526 t. SMM survey series. "
  "NOT PREFERRED (see the CSRE-derived row); both are back-calculations, no direct 2022 figure was found.")
r("magnet", "CHN", 2022, 228814, "", "", "t magnet", "NdFeB permanent magnet materials, CSRE series", "estimate",
  CSRE[0], CSRE[1], CSRE[2],
  NEW + "DERIVED: CSRE 2023 270,000 t '+18%' -> 2022 = 270,000 / 1.18 = 228,814 t. PREFERRED for 2022 (weakly): its "
  "2023 level (270 kt) is closest to the preferred ACREI 2023 value (280 kt), so it splices least. Secondary summary.")
r("magnet", "CHN", 2023, 280000, "", "", "t magnet", "NdFeB (ACREI magnet branch; sintered/bonded split not given)", "estimate",
  ARGUS[0], ARGUS[1], ARGUS[2],
  EMB + "PREFERRED: same series as the 2024 value (2024 = +7% on 280,000 t). Excludes CeFeB, reported separately.")
r("magnet", "CHN", 2023, 270000, "", "", "t magnet", "NdFeB permanent magnet materials (CSRE)", "estimate", CSRE[0], CSRE[1], CSRE[2],
  EMB + "NOT PREFERRED: CSRE adviser via a Japanese summary; +18% y/y; of which sintered 255,200 t.")
r("magnet_sintered", "CHN", 2023, 255200, "", "", "t magnet", "sintered NdFeB (CSRE)", "estimate", CSRE[0], CSRE[1], CSRE[2],
  NEW + "Sintered part of CSRE's 270,000 t (DERIVED bonded/other remainder 270,000 - 255,200 = 14,800 t, not stated as bonded by the source).")
r("magnet", "CHN", 2023, 240000, "", "", "t magnet", "RE permanent magnets, predominantly NdFeB (SMM survey)", "estimate",
  SMM[0], SMM[1], SMM[2], EMB + "NOT PREFERRED: 'about 240,000 tons, up 14% YoY' (SMM). Likely narrower survey coverage.")
r("magnet_CeFeB", "CHN", 2023, 80000, "", "", "t magnet", "Ce-substituted (CeFeB) magnets", "estimate", ARGUS[0], ARGUS[1], ARGUS[2],
  NEW + "ACREI via Argus: CeFeB reported separately from NdFeB; whether it overlaps the NdFeB figure is not stated. "
  "Do not add to the NdFeB row without checking.")
r("magnet", "CHN", 2024, 300000, "", "", "t magnet", "NdFeB (ACREI magnet branch)", "estimate", ARGUS[0], ARGUS[1], ARGUS[2],
  EMB + "PREFERRED: 'expected to rise to around 300,000t in 2024, up by 7pc' (near-year-end estimate). No sintered/bonded split.")
r("magnet", "CHN", 2024, 260000, "", "", "t magnet", "RE permanent magnets (SMM)", "forecast", SMM[0], SMM[1], SMM[2],
  EMB + "NOT PREFERRED: FORECAST made 30 May 2024 ('expected to reach 260,000 tons in 2024').")
r("magnet_CeFeB", "CHN", 2024, 95000, 90000, 100000, "t magnet", "Ce-substituted (CeFeB) magnets", "estimate", ARGUS[0], ARGUS[1], ARGUS[2],
  NEW + "ACREI via Argus: 90,000-100,000 t in 2024; value = DERIVED midpoint (90,000+100,000)/2. Overlap with NdFeB not stated.")
# --- magnets, world
r("magnet", "WLD", 2020, 202174, 200000, "", "t magnet", "NdFeB", "estimate", RIZ[0] + ";" + STAN[0], RIZ[1] + "; " + STAN[1], RIZ[2],
  EMB + "DERIVED, weak: China 186,000 / China share 0.92 = 202,174 t; low = rizinia 'global NdFeB production will exceed "
  "200,000t' by 2020. (Lynas, Jul 2022, quoted 2020 NdFeB CONSUMPTION of ~130,000 t - a different, narrower measure; "
  "not used.)")
r("magnet", "WLD", 2021, 240556, 216500, "", "t magnet", "NdFeB", "estimate", MIIT[0] + ";" + MACRO[0], MIIT[1] + "; " + MACRO[1], MACRO[2],
  NEW + "DERIVED, weak: China 216,500 t (MIIT) / 0.90 = 240,556 t, where 0.90 is MacroPolo's 'roughly 90% of global market "
  "share' for China in HIGH-PERFORMANCE NdFeB in 2021 (scope mismatch: applied here to all NdFeB). low = China's own "
  "output (world >= China). Cross-check: 2020 world 202,174 x 1.181 (Adamas: global NdFeB consumption +18.1% in 2021) "
  "= 238,767 t, close. Only 2021 world value found.")
r("magnet", "WLD", 2022, 246000, "", "", "t NdFeB alloy+powder", "NdFeB alloy and powder (magnet-maker feed)", "estimate",
  ADA23[0], ADA23[1], ADA23[2],
  PDT + "APPROXIMATE: Adamas' 2040 undersupply of 246,000 t is 'almost equal to last year's [2022] total global NdFeB alloy "
  "and powder production'. Adamas later revised 2022 consumption growth from +1.9% (May 2023) to -1.8% (Q3 2024 report page).")
r("magnet", "WLD", 2023, "", 280000, "", "t magnet", "NdFeB", "missing", ARGUS[0] + ";" + ADA24[0], ARGUS[1] + "; " + ADA24[1], ADA24[2],
  "[IN EMBEDDED as missing] MISSING: no sourced world total. low = China's ACREI 280,000 t (world >= China). A growth "
  "splice is NOT made: Adamas 2022 ~246,000 t x 1.133 (Adamas: global NdFeB consumption +13.3% in 2023) = 278,718 t, "
  "which is below China's own 280,000 t, so the two series do not share a scope. Unsourced market-report pages "
  "(170,000-178,000 t) are below China's output and rejected.")
r("magnet", "WLD", 2024, 319149, 300000, "", "t magnet", "NdFeB", "estimate", ARGUS[0] + ";" + IEA94[0], ARGUS[1] + "; " + IEA94[1], ARGUS[2],
  PDT + "DERIVED: China ~300,000 t (ACREI via Argus) / China share 0.94 (IEA commentary Oct 2025, 'permanent-magnet "
  "manufacturing', year assumed 2024) = 319,149 t; low = China's own output. Scope of share and tonnage may differ.")

# ---------------------------------------------------------------- write + validate
def write(name, cols, data):
    p = os.path.join(HERE, name)
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols, quoting=csv.QUOTE_MINIMAL)
        w.writeheader()
        for d in data:
            w.writerow(d)
    return p

EOL_COLS = ["material", "study_year", "eol_rir_pct", "low", "high", "source_id", "citation", "address", "page_or_table", "note"]
WSO_COLS = ["stage", "scope", "year", "value", "low", "high", "unit", "basis", "status", "source_id", "citation", "address", "note"]
for d in eol:
    assert set(d) == set(EOL_COLS)
    assert d["citation"] and d["address"] and d["page_or_table"] and d["source_id"]
    if d["eol_rir_pct"] == "" and d["high"] == "":
        assert "MISSING" in d["note"] or "NOT an EoL-RIR" in d["note"], d
for d in rows:
    assert set(d) == set(WSO_COLS)
    assert d["status"] in ("observed", "estimate", "forecast", "projection", "missing"), d
    assert (d["value"] == "") == (d["status"] == "missing"), d
    assert d["citation"] and d["address"] and d["source_id"]
    if "DERIVED" not in d["note"] and d["value"] != "":
        pass
    assert d["note"].startswith(("[NEW]", "[IN EMBEDDED", "[IN data-truth")), d["note"][:40]
# derived arithmetic checks
assert round(240000 / 1.14) == 210526 and round(270000 / 1.18) == 228814
assert round(216500 / 0.90) == 240556 and round(300000 / 0.94) == 319149 and round(186000 / 0.92) == 202174
assert 44500 + 20000 + 26504 == 91004 and 45500 + 21000 + 26504 == 93004 and (91004 + 93004) // 2 == 92004
assert 40000 + 31730 == 71730 and 106000 + 5655 + 1294 == 112949
assert round(246000 * 1.133) == 278718 and round(202174 * 1.181) == 238767
write("eol_rir_eu.csv", EOL_COLS, eol)
write("world_stage_output.csv", WSO_COLS, rows)
print("OK eol_rir_eu.csv rows=%d (with value: %d); world_stage_output.csv rows=%d (with value: %d; NEW %d, "
      "data-truth-only %d, embedded %d)" % (
    len(eol), sum(1 for d in eol if d["eol_rir_pct"] != ""), len(rows), sum(1 for d in rows if d["value"] != ""),
    sum(1 for d in rows if d["note"].startswith("[NEW]")), sum(1 for d in rows if d["note"].startswith("[IN data-truth")),
    sum(1 for d in rows if d["note"].startswith("[IN EMBEDDED"))))
