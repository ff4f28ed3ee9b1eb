import os

import pandas as pd

H=os.path.dirname(os.path.abspath(__file__))
emb=pd.read_csv(os.path.join(H,'../../../src/reechain/data/embedded/sources.csv'))
mine=pd.read_csv(os.path.join(H,'sources.csv'))
assert list(mine.columns)==list(emb.columns), mine.columns
clash=set(mine.source_id)&set(emb.source_id); assert not clash, clash
assert mine.source_id.is_unique
known=set(emb.source_id)|set(mine.source_id)
used=set(); errs=[]
def ids(x):
    return [] if pd.isna(x) or x=='' else [i.strip() for i in str(x).split(';')]
for f,valcol in [('lifetimes.csv','mean_years'),('recycling.csv','value'),('in_use_stocks.csv','value'),('recycling_projects.csv',None),('crma.csv',None)]:
    d=pd.read_csv(os.path.join(H,f))
    for i,r in d.iterrows():
        for s in ids(r['source_id']):
            used.add(s)
            if s not in known: errs.append((f,i,'unknown source',s))
        if valcol:
            miss = r['status']=='missing'
            if pd.isna(r[valcol]) != miss: errs.append((f,i,'value/status',r[valcol],r['status']))
            lo,hi,v=r.get('low'),r.get('high'),r[valcol]
            if not pd.isna(v):
                if not pd.isna(lo) and lo>v: errs.append((f,i,'low>value'))
                if not pd.isna(hi) and hi<v: errs.append((f,i,'high<value'))
            if not pd.isna(lo) and not pd.isna(hi) and lo>hi: errs.append((f,i,'low>high'))
            assert r['status'] in {'reported','derived','forecast','missing'}, r['status']
            assert str(r['preferred']).lower() in {'true','false'}
    if f=='recycling_projects.csv':
        assert set(d.status)<= {'operating','commissioning','construction','committed','planned','cancelled'}, set(d.status)
        assert d.project_id.is_unique
    if f=='lifetimes.csv':
        ok={'ev_traction_motor','hybrid_vehicle','e_bike_two_wheeler','wind_turbine','industrial_motor','hvac_appliances','consumer_electronics','robots_drones','defence','medical','other'}
        assert set(d.end_use)<=ok
unused=set(mine.source_id)-used
print('errors',errs); print('unused own sources',unused)
for f in ['lifetimes.csv','recycling.csv','recycling_projects.csv','in_use_stocks.csv','crma.csv','sources.csv']:
    print(f, len(pd.read_csv(os.path.join(H,f))))
