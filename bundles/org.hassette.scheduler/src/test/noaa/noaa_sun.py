#!/usr/bin/env python3
# Reproduces the expected sun times of SunCalculatorTest and SchedulerEngineTest independently of
# commons-suncalc: the NOAA Solar Calculator equations (NOAA GML spreadsheet, after Meeus), iterated
# at the event time. Usage: python3 noaa_sun.py sydney,2026-06-21,DAWN munich,2018-05-01,SUNSET ...

import math, sys, datetime
from zoneinfo import ZoneInfo
def jd(dt):  # dt aware UTC
    return dt.timestamp()/86400.0 + 2440587.5
def sun(jdv):
    T=(jdv-2451545.0)/36525.0
    L0=(280.46646+T*(36000.76983+T*0.0003032))%360
    M=357.52911+T*(35999.05029-0.0001537*T)
    e=0.016708634-T*(0.000042037+0.0000001267*T)
    Mr=math.radians(M)
    C=math.sin(Mr)*(1.914602-T*(0.004817+0.000014*T))+math.sin(2*Mr)*(0.019993-0.000101*T)+math.sin(3*Mr)*0.000289
    tl=L0+C
    om=125.04-1934.136*T
    lam=tl-0.00569-0.00478*math.sin(math.radians(om))
    eps0=23+(26+((21.448-T*(46.815+T*(0.00059-T*0.001813))))/60)/60
    eps=eps0+0.00256*math.cos(math.radians(om))
    decl=math.degrees(math.asin(math.sin(math.radians(eps))*math.sin(math.radians(lam))))
    y=math.tan(math.radians(eps/2))**2
    L0r=math.radians(L0)
    eot=4*math.degrees(y*math.sin(2*L0r)-2*e*math.sin(Mr)+4*e*y*math.sin(Mr)*math.cos(2*L0r)-0.5*y*y*math.sin(4*L0r)-1.25*e*e*math.sin(2*Mr))
    return decl,eot
def event(date, lat, lon, zone, zenith, rising):
    tz=ZoneInfo(zone)
    # start: local noon
    t=datetime.datetime(date.year,date.month,date.day,12,tzinfo=tz).astimezone(datetime.timezone.utc)
    for _ in range(6):
        decl,eot=sun(jd(t))
        cosH=(math.cos(math.radians(zenith))/(math.cos(math.radians(lat))*math.cos(math.radians(decl)))-math.tan(math.radians(lat))*math.tan(math.radians(decl)))
        if abs(cosH)>1: return None
        H=math.degrees(math.acos(cosH))
        noon=720-4*lon-eot   # minutes UTC
        mins=noon-4*H if rising else noon+4*H
        base=datetime.datetime(date.year,date.month,date.day,tzinfo=datetime.timezone.utc)
        # pick the UTC day so that result lands on the local date
        cand=base+datetime.timedelta(minutes=mins)
        loc=cand.astimezone(tz).date()
        if loc<date: cand+=datetime.timedelta(days=1)
        elif loc>date: cand-=datetime.timedelta(days=1)
        t=cand
    return t.astimezone(tz)
places={'sydney':(-33.8688,151.2093,'Australia/Sydney'),'tromso':(69.6492,18.9553,'Europe/Oslo'),'cape-town':(-33.9249,18.4241,'Africa/Johannesburg'),'munich':(48.1372,11.5761,'Europe/Berlin'),'berlin':(52.52,13.405,'Europe/Berlin'),'sim':(32.87336,-117.22743,'America/Los_Angeles')}
for spec in sys.argv[1:]:
    p,d,ev=spec.split(',')
    lat,lon,z=places[p]; date=datetime.date.fromisoformat(d)
    zen={'DAWN':96,'DUSK':96,'SUNRISE':90.833,'SUNSET':90.833}[ev]
    r=event(date,lat,lon,z,zen,ev in('DAWN','SUNRISE'))
    print(spec, r.strftime('%H:%M:%S%z') if r else None)
